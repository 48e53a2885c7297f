/**
 * `cloudflare:test`'s WorkflowInstanceIntrospector on the emulator: `modify`, `waitForStepResult`, `waitForStatus`,
 * `getOutput`, `getError`, `dispose` / `await using` — same names, arguments and meaning as the vitest plugin's —
 * plus what only the emulator can do, on the same handle: crash, evict, move time, read the trace.
 */
import type { Emulator, InstanceSnapshot } from "../emulator.ts";
import type { DoStepRecord, EventWaitRecord, InstanceRecord } from "../engine/instance-record.ts";
import { isTerminal, type InstanceStatusName } from "../engine/status.ts";
import { toError } from "../engine/error-shape.ts";
import { isSensitive, REDACTED_STEP_OUTPUT } from "../engine/step-output-view.ts";
import { replayStream } from "../engine/stream-output.ts";
import type { WorkflowEngine } from "../engine/workflow-engine.ts";
import type { CrashPoint } from "../faults.ts";
import { describeValue } from "../lib/describe-value.ts";
import { EmulatorUsageError } from "../lib/errors.ts";
import type { RunUntilIdleOptions } from "../emulator.ts";
import type { Traced } from "../trace.ts";
import type { WorkflowInstance } from "../workflow-types.ts";
import { WorkflowBinding } from "../engine/workflow-binding.ts";
import { Realm } from "../runtime/realm.ts";
import type { BindingInterceptor } from "./binding-interceptor.ts";
import type { IntrospectedBinding } from "./introspected-binding.ts";
import { modifierFor, type WorkflowInstanceModifier } from "./modifier.ts";
import { selectorKey, type StepSelector } from "./step-selector.ts";
import { waitFor } from "./wait-for.ts";

const STATUSES: readonly InstanceStatusName[] = [
  "queued",
  "running",
  "paused",
  "errored",
  "terminated",
  "complete",
  "waiting",
  "waitingForPause",
];

export class WorkflowInstanceIntrospector {
  #disposed = false;

  private readonly emulator: Emulator;
  private readonly engine: WorkflowEngine;

  constructor(
    private readonly owner: IntrospectedBinding,
    private readonly interceptor: BindingInterceptor,
    readonly instanceId: string,
  ) {
    this.emulator = owner.emulator;
    this.engine = owner.engine;
  }

  // ---------------------------------------------------------------- cloudflare:test

  /** Applies modifications (mocks, disabled sleeps, …) to this instance, created or not yet. */
  async modify(fn: (m: WorkflowInstanceModifier) => Promise<void>): Promise<WorkflowInstanceIntrospector> {
    this.assertLive("modify");
    await fn(modifierFor((operation) => this.interceptor.apply(this.instanceId, operation)));
    return this;
  }

  /**
   * The result of a `step.do` (`index` 1-based, default 1; a JSON copy, as the plugin's), once it has one: runs the emulator until then. Rejects
   * with the step's error if it failed for good, or if the instance ends without the step finishing.
   */
  async waitForStepResult(step: StepSelector): Promise<unknown> {
    this.assertLive("waitForStepResult");
    selectorKey(step, "waitForStepResult");
    const index = step.index ?? 1;
    const key = `do\u0000${step.name}\u0000${index}`;
    const what = `step '${step.name}' (index ${index})`;
    return waitFor(
      this.emulator,
      () => {
        const record = this.record();
        const step = record?.steps.get(key) as DoStepRecord | undefined;
        const outcome = step?.outcome;
        // VT-10: read back as the plugin reads it from its JSON log, so a Date comes back as a string and a
        // sensitive step's output as "[REDACTED]" (WF-21); a stream output comes back as a new stream (WF-19).
        if (step && outcome) {
          if (!outcome.ok) return { error: toError(outcome.error) };
          if (isSensitive(step)) return { value: REDACTED_STEP_OUTPUT };
          return { value: outcome.stream ? replayStream(outcome.stream) : jsonRoundTrip(outcome.value) };
        }
        if (record && isTerminal(record.status)) {
          return {
            error: new EmulatorUsageError(
              `[WorkflowIntrospector] The Workflow instance ${this.instanceId} has reached status '${record.status}' without a result for ${what}: the step never ran, or ran under another name or index.`,
            ),
          };
        }
        return undefined;
      },
      () => `waitForStepResult(${what}): ${this.blockedOn()}`,
    );
  }

  /**
   * Runs the emulator until the instance reaches `status` (at once if it is there). Rejects if it reaches a finite
   * status (complete, errored, terminated) other than `status`. A status passed through between two quiet moments
   * counts: it is read from the trace (with `trace: false`, only the current status is seen).
   */
  async waitForStatus(status: InstanceStatusName): Promise<void> {
    this.assertLive("waitForStatus");
    if (!STATUSES.includes(status)) {
      throw new EmulatorUsageError(
        `[WorkflowIntrospector] waitForStatus() needs one of ${STATUSES.join(", ")}; got ${describeValue(status)}`,
      );
    }
    if (status === "queued") return; // as the plugin: every instance starts queued
    let seen = this.emulator.trace().length;
    await waitFor(
      this.emulator,
      () => {
        const trace = this.emulator.trace();
        for (; seen < trace.length; seen++) {
          const event = trace[seen]!;
          if (event.type === "status" && event.instance === this.instanceId && event.to === status) return { value: 0 };
        }
        const current = this.record()?.status;
        if (current === status) return { value: 0 };
        if (current !== undefined && isTerminal(current)) {
          return {
            error: new Error(
              `[WorkflowIntrospector] The Workflow instance ${this.instanceId} has reached status '${current}'. This is a finite status that prevents it from ever reaching the expected status of '${status}'.`,
            ),
          };
        }
        return undefined;
      },
      () => `waitForStatus("${status}"): ${this.blockedOn()}`,
    );
  }

  /** The output of a complete instance (does not wait: call `waitForStatus("complete")` first). */
  async getOutput(): Promise<unknown> {
    const record = this.record();
    if (record?.status !== "complete") {
      throw new Error(
        `Cannot retrieve output: Workflow instance is in status "${record?.status ?? "unknown"}" but must be "complete" to have an output available`,
      );
    }
    return structuredClone(record.output?.value);
  }

  /** The error of an errored instance (does not wait: call `waitForStatus("errored")` first). */
  async getError(): Promise<{ name: string; message: string }> {
    const record = this.record();
    if (record?.status !== "errored" || !record.error) {
      throw new Error(
        `Cannot retrieve error: Workflow instance is in status "${record?.status ?? "unknown"}" but must be "errored" to have error information available`,
      );
    }
    return { name: record.error.name, message: record.error.message };
  }

  /**
   * Removes this instance's modifications and the instance itself, as the plugin's dispose does (it deletes the
   * instance's storage): nothing of it runs afterwards, and a later test may create the same id again.
   */
  dispose = async (): Promise<void> => {
    if (this.#disposed) return;
    this.#disposed = true;
    this.interceptor.forget(this.instanceId);
    this.engine.discard(this.instanceId);
  };

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  // ---------------------------------------------------------------- emulator only

  /** A handle on the instance as `env.WORKFLOWS.get(id)` gives it (typed: `status()` is an InstanceStatus). */
  async handle(): Promise<WorkflowInstance> {
    return new WorkflowBinding(this.engine, Realm.host()).get(this.instanceId);
  }

  /** The instance's durable state (status, params, output, error, buffered events, lifetimes), or undefined. */
  snapshot(): InstanceSnapshot | undefined {
    return this.emulator.instances(this.owner.name).find((instance) => instance.id === this.instanceId);
  }

  /** The trace events about this instance (steps, sleeps, event waits, status changes, run lifetimes). */
  trace(): Traced[] {
    return this.emulator
      .trace()
      .filter((event) => "instance" in event && event.instance === this.instanceId) as Traced[];
  }

  /**
   * With no point: crash the whole runtime now (every instance; storage is kept). With a point: arm a crash that
   * fires when this instance reaches it (optionally only at one step), e.g. `crash("afterStepCallback", { step })`.
   */
  crash(point?: CrashPoint, options: { step?: string } = {}): void {
    if (point === undefined) this.emulator.crash();
    else this.emulator.crash(point, { instance: this.instanceId, step: options.step });
  }

  /** Drops dynamic-worker isolates from the Worker Loader (all, or the given loader ids): the next step reloads. */
  evict(ids?: readonly string[]): string[] {
    return this.emulator.evict(ids);
  }

  /** Jumps virtual time by `ms` (timers due meanwhile fire, event-wait timeouts included). */
  async advance(ms: number): Promise<void> {
    await this.emulator.time.advance(ms);
  }

  /** Runs the emulator until every instance is terminal or blocked (see `Emulator.runUntilIdle`). */
  async runUntilIdle(options?: RunUntilIdleOptions): Promise<void> {
    await this.emulator.runUntilIdle(options);
  }

  // ---------------------------------------------------------------- helpers

  private record(): InstanceRecord | undefined {
    return this.engine.store.get(this.instanceId);
  }

  private assertLive(method: string): void {
    if (this.#disposed) {
      throw new EmulatorUsageError(
        `[WorkflowIntrospector] ${method}() on a disposed introspector of instance ${this.instanceId}: introspect the instance again.`,
      );
    }
  }

  /** Why nothing more will happen to this instance without the test's help, and what the test can do. */
  private blockedOn(): string {
    const record = this.record();
    if (!record) {
      return `the instance ${this.instanceId} does not exist: create it with this id first (or await the request that creates it).`;
    }
    const where = `the instance ${this.instanceId} is '${record.status}' and nothing in the emulator will change that`;
    if (record.status === "paused") return `${where}: it is paused. Resume it.`;
    const waits = [...record.steps.values()].filter(
      (step): step is EventWaitRecord => step.kind === "waitForEvent" && step.outcome === null,
    );
    if (waits.length > 0) {
      const list = waits
        .map(
          (w) =>
            `event "${w.type}" (waitForEvent '${w.name}', index ${w.count}, times out at ${new Date(w.deadline).toISOString()})`,
        )
        .join(", ");
      return `${where}: it waits for ${list}. Send the event (modify(m => m.mockEvent(…)) or sendEvent), force the timeout (forceEventTimeout), or move time (advance(ms), runUntilIdle({ fireTimeouts: true })).`;
    }
    return `${where}.`;
  }
}

function jsonRoundTrip(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
