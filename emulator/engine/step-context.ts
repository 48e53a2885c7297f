/**
 * The `step` object handed to `run(event, step)`. It lives in the host and reaches the dispatcher and the tenant as
 * an RPC stub (as the local engine's `Context` RpcTarget does), so the tenant's callbacks come back as stubs too.
 * Each StepContext belongs to one Execution; once that execution is dead, its calls go nowhere.
 */
import { HostRpcTarget } from "../runtime/realm.ts";
import type { Execution } from "./execution.ts";

export interface StepOperations {
  do(
    exec: Execution,
    name: unknown,
    configOrCallback: unknown,
    callback: unknown,
    rollback?: unknown,
  ): Promise<unknown>;
  sleep(exec: Execution, name: unknown, duration: unknown): Promise<void>;
  sleepUntil(exec: Execution, name: unknown, timestamp: unknown): Promise<void>;
  waitForEvent(exec: Execution, name: unknown, options: unknown): Promise<unknown>;
}

export class StepContext extends HostRpcTarget {
  readonly #exec: Execution;
  readonly #ops: StepOperations;

  constructor(ops: StepOperations, exec: Execution) {
    super();
    this.#ops = ops;
    this.#exec = exec;
  }

  /** WF-10 / WF-43: `do(name, cb, rollbackOptions?)` or `do(name, config, cb, rollbackOptions?)`. */
  do(name: unknown, configOrCallback: unknown, callback?: unknown, rollback?: unknown): Promise<unknown> {
    return this.#ops.do(this.#exec, name, configOrCallback, callback, rollback);
  }

  sleep(name: unknown, duration: unknown): Promise<void> {
    return this.#ops.sleep(this.#exec, name, duration);
  }

  sleepUntil(name: unknown, timestamp: unknown): Promise<void> {
    return this.#ops.sleepUntil(this.#exec, name, timestamp);
  }

  waitForEvent(name: unknown, options: unknown): Promise<unknown> {
    return this.#ops.waitForEvent(this.#exec, name, options);
  }
}
