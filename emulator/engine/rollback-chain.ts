/**
 * WF-43: the rollback (saga) chain. When a workflow fails, or is terminated with `{ rollback: true }`, the handlers
 * registered through `step.do`'s rollback options run in reverse order of their steps' first start (LIFO), each with
 * `{ ctx, error, output, stepName }`, each with the retries and timeout of its `rollbackConfig`. The chain stops at
 * the first handler that fails for good.
 *
 * Handlers are the tenant's functions: they exist only in the lifetime that registered them. Progress is durable
 * (`DoStepRecord.rollback`), so a lifetime that dies mid-chain (crash, eviction, hibernation on a retry wait) is
 * followed by one that replays `run()` through the dispatcher to register the handlers again (LE-09) and resumes:
 * a finished rollback never runs again, an interrupted one runs again (at least once, like a step).
 */
import { isNonRetryable, WorkflowTimeoutError } from "../lib/errors.ts";
import { retryDelayMs } from "../lib/backoff.ts";
import type { RollbackOptions } from "../lib/rollback-options.ts";
import { never } from "../runtime/never.ts";
import { errorShape, toError } from "./error-shape.ts";
import type { Execution } from "./execution.ts";
import type { DoStepRecord, ErrorShape, InstanceRecord, RollbackStepRecord } from "./instance-record.ts";
import type { StepEngine } from "./step-engine.ts";
import { eventConfig, stepEvent } from "./instance-events.ts";

export type ChainOutcome = { ok: true; completed: number } | { ok: false; completed: number; error: ErrorShape };

/** The local engine's record of a step whose handler no replay registered again (workflows-shared rollback.ts). */
const MISSING: ErrorShape = { name: "RollbackMissing", message: "Rollback function not available in registry" };

/** Steps whose rollback is still to run, last started first: called with a handler, rollback not finished. */
export function pendingRollbacks(record: InstanceRecord): Array<[string, DoStepRecord]> {
  const pending: Array<[string, DoStepRecord]> = [];
  for (let i = record.stepOrder.length - 1; i >= 0; i--) {
    const key = record.stepOrder[i];
    const step = record.steps.get(key);
    if (step?.kind === "do" && step.hasRollback && !step.rollback?.outcome) pending.push([key, step]);
  }
  return pending;
}

/** `rollback_step_started`'s config: the handler's `rollbackConfig` with its defaults (WF-84). */
function stepConfig(options: RollbackOptions | undefined): { config?: Record<string, unknown> } {
  return options ? { config: eventConfig(options.config) } : {};
}

export class RollbackChain {
  constructor(private readonly engine: StepEngine) {}

  /** Runs what is left of the chain in `exec` (which must be in the `rollback` phase). Never settles if it dies. */
  async run(exec: Execution, trigger: ErrorShape): Promise<ChainOutcome> {
    const { host } = this.engine;
    const record = exec.record;
    const pending = pendingRollbacks(record);
    const done = (s: DoStepRecord) => s.kind === "do" && s.hasRollback && s.rollback?.outcome?.ok === true;
    let completed = [...record.steps.values()].filter((s) => s.kind === "do" && done(s)).length;
    host.trace.record({
      type: "rollback.start",
      instance: record.id,
      trigger: `${trigger.name}: ${trigger.message}`,
      pending: pending.length,
      generation: exec.generation,
    });
    // WF-84: a chain resumed after a crash has begun already (a rollback record exists): it is not started again.
    if (!pending.some(([, s]) => s.rollback) && completed === 0) stepEvent(this.engine, exec, "rollback_started");
    for (const [key, step] of pending) {
      const options = exec.rollbackHandlers.get(key);
      if (!step.rollback) {
        step.rollback = { attempts: 0, attemptInFlight: false, retryAt: null, outcome: null };
        stepEvent(this.engine, exec, "rollback_step_started", { stepName: step.name, ...stepConfig(options) });
      }
      const rollback = step.rollback;
      if (!options) {
        rollback.outcome = { ok: false, error: MISSING };
        stepEvent(this.engine, exec, "rollback_step_errored", { stepName: step.name, error: { ...MISSING } });
        return this.end(exec, { ok: false, completed, error: MISSING });
      }
      const error = await this.runOne(exec, step, rollback, options, trigger);
      if (!exec.alive) return never();
      if (error) return this.end(exec, { ok: false, completed, error });
      completed++;
    }
    return this.end(exec, { ok: true, completed });
  }

  private end(exec: Execution, outcome: ChainOutcome): ChainOutcome {
    this.engine.host.trace.record({
      type: "rollback.end",
      instance: exec.record.id,
      outcome: outcome.ok ? "complete" : "failed",
      completed: outcome.completed,
    });
    stepEvent(this.engine, exec, outcome.ok ? "rollback_completed" : "rollback_errored");
    return outcome;
  }

  /** One step's rollback, attempt after attempt. Returns null when it committed, else the error that ends the chain. */
  private async runOne(
    exec: Execution,
    step: DoStepRecord,
    rollback: RollbackStepRecord,
    options: RollbackOptions,
    trigger: ErrorShape,
  ): Promise<ErrorShape | null> {
    const { host } = this.engine;
    const { id } = exec.record;
    const { name, count } = step;
    const config = options.config;
    const point = { instance: id, step: `rollback:${name}` };
    if (rollback.attemptInFlight) {
      // The lifetime died mid-attempt: as for a step (WF-90 / §E.9), the profile says whether that attempt counts.
      rollback.attemptInFlight = false;
      if (!host.profile.interruptedAttemptCounts) rollback.attempts -= 1;
    }
    for (;;) {
      if (rollback.retryAt !== null) {
        try {
          await this.engine.wait(exec, { category: "retry", until: rollback.retryAt });
        } catch {
          // A pause took effect (the local profile interrupts waits): resume() replays run() and resumes the chain.
          return never();
        }
        if (!exec.alive) return never();
        rollback.retryAt = null;
      }
      if (host.crashPoint("beforeStepAttempt", point) || !exec.alive) return never();
      const attempt = ++rollback.attempts;
      rollback.attemptInFlight = true;
      host.trace.record({ type: "rollback.attempt", instance: id, step: name, count, attempt });
      stepEvent(this.engine, exec, "rollback_attempt_started", { stepName: name, attempt });
      // What the handler receives (WF-43): the step's own context, the trigger, the step's output (undefined if it
      // failed) and the legacy `stepName` ("<name>-<count>").
      const arg = {
        ctx: { step: { name, count }, attempt: step.attempts, config: step.config?.visible ?? {} },
        error: toError(trigger),
        output: step.outcome?.ok ? step.outcome.value : undefined,
        stepName: `${name}-${count}`,
      };
      exec.inflightSteps++;
      let outcome: { ok: true; value: unknown } | { ok: false; error: ErrorShape };
      try {
        outcome = { ok: true, value: await this.attempt(exec, options.handler, arg, config.timeoutMs) };
      } catch (error) {
        outcome = { ok: false, error: errorShape(error) };
      } finally {
        exec.inflightSteps--;
      }
      if (!exec.alive) return never();
      if (outcome.ok) {
        if (host.crashPoint("afterStepCallback", point)) return never();
        rollback.outcome = { ok: true };
        rollback.attemptInFlight = false;
        host.trace.record({ type: "rollback.commit", instance: id, step: name, count, attempt, result: outcome.value });
        stepEvent(this.engine, exec, "rollback_attempt_completed", { stepName: name, attempt });
        stepEvent(this.engine, exec, "rollback_step_completed", { stepName: name });
        if (host.crashPoint("afterStepCommit", point) || !exec.alive) return never();
        return null;
      }
      rollback.attemptInFlight = false;
      const retry = !isNonRetryable(outcome.error) && attempt <= config.retries.limit;
      host.trace.record({
        type: "rollback.failure",
        instance: id,
        step: name,
        count,
        attempt,
        error: `${outcome.error.name}: ${outcome.error.message}`,
        willRetry: retry,
      });
      const error = { name: outcome.error.name, message: outcome.error.message };
      if (!retry) {
        rollback.outcome = { ok: false, error: outcome.error };
        stepEvent(this.engine, exec, "rollback_attempt_errored", { stepName: name, attempt, error });
        stepEvent(this.engine, exec, "rollback_step_errored", { stepName: name, error });
        return outcome.error;
      }
      // A delay function is not called for a rollback: its base is the profile's default delay.
      const base = config.retries.delayMs ?? host.profile.defaultRetryDelayMs;
      const delay = retryDelayMs(base, config.retries.backoff, attempt);
      rollback.retryAt = host.clock.now() + delay;
      stepEvent(this.engine, exec, "rollback_attempt_errored", { stepName: name, attempt, retryDelayMs: delay, error });
    }
  }

  /** One call of the handler, bounded by the rollback's timeout (WF-37 applies as to a step). */
  private attempt(exec: Execution, handler: (arg: unknown) => unknown, arg: unknown, timeoutMs: number) {
    const { clock } = this.engine.host;
    return new Promise((resolve, reject) => {
      const timer = exec.own(clock.after(timeoutMs, () => reject(new WorkflowTimeoutError(timeoutMs))));
      Promise.resolve()
        .then(() => handler(arg))
        .then(
          (value) => {
            timer.cancel();
            resolve(value);
          },
          (error) => {
            timer.cancel();
            reject(error);
          },
        );
    });
  }
}
