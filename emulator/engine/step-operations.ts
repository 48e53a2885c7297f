/**
 * The semantics of `step.do`, `step.sleep`, `step.sleepUntil` and `step.waitForEvent` (spec A1–A3).
 *
 * Every step result is cached durably under (kind, name, occurrence) and returned without running the callback on
 * replay. An attempt is marked in-flight in storage before its callback runs, so an attempt interrupted by a crash is
 * detected on replay and runs again (at-least-once, WF-90). A killed execution never commits: each await is followed
 * by an `exec.alive` check, and the membrane never settles calls made for a dead execution.
 */
import { never } from "../runtime/never.ts";
import { types } from "node:util";
import { serialize } from "node:v8";
import { retryDelayMs } from "../lib/backoff.ts";
import { parseDuration } from "../lib/duration.ts";
import { structuredSizeAtMost } from "../lib/structured-size.ts";
import {
  DataCloneError,
  isNonRetryable,
  NonRetryableDelayError,
  WorkflowFatalError,
  WorkflowInternalError,
  WorkflowTimeoutError,
} from "../lib/errors.ts";
import { assertRetryDelayResult, resolveStepConfig, validateEventType, validateStepName } from "../lib/validators.ts";
import type { EngineHost } from "./engine-host.ts";
import { PAUSE_ABORT_MESSAGE, type Execution, type PendingWait } from "./execution.ts";
import type { DeliveredEvent, DoStepRecord, ErrorShape, EventWaitRecord, SleepRecord } from "./instance-record.ts";
import type { StepOperations } from "./step-context.ts";
import type { SizeMeasure } from "./workflow-engine.ts";

const DAY_MS = 86_400_000;
const MAX_WAIT_MS = 365 * DAY_MS; // WF-50, WF-62
const DEFAULT_EVENT_TIMEOUT_MS = DAY_MS; // WF-62
const DELAY_FUNCTION_TIMEOUT_MS = 5_000; // WF-35
/** The error types V8's serializer writes a tag for; any other name is read back as `Error`. */
const SERIALIZABLE_ERROR_NAMES = new Set(["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"]);

/** What the step operations need from the engine that owns the instance. */
export interface StepEngine {
  readonly host: EngineHost;
  /** Blocks until `until` (a sleep or a retry wait); may hibernate the execution. */
  wait(exec: Execution, wait: PendingWait): Promise<void>;
  /** Lets the engine hibernate an execution that is now only waiting. */
  considerHibernation(exec: Execution): void;
  /** Called when a step callback settles: a requested pause takes effect once none are running (WF-80). */
  stepSettled(exec: Execution): void;
  /** Ends the instance as errored at once, without retries (WF-16). */
  failInstance(exec: Execution, error: ErrorShape): void;
  /** Copies a value into durable form, or throws DataCloneError / a size error. */
  toStorage(value: unknown, what: string, sizeBy: SizeMeasure): unknown;
}

export class StepOperationsImpl implements StepOperations {
  constructor(private readonly engine: StepEngine) {}

  private get host(): EngineHost {
    return this.engine.host;
  }

  async do(exec: Execution, rawName: unknown, configOrCallback: unknown, maybeCallback: unknown): Promise<unknown> {
    const { host } = this;
    const name = validateStepName(rawName);
    const hasConfig = typeof configOrCallback !== "function";
    const callback = hasConfig ? maybeCallback : configOrCallback;
    if (typeof callback !== "function") throw new WorkflowFatalError(`Step "${name}" requires a callback function`);
    if (++exec.stepCalls > host.stepLimit) {
      throw new WorkflowFatalError(
        `The limit of ${host.stepLimit} steps has been reached. This limit can be changed in your worker configuration.`,
      );
    }
    const current = resolveStepConfig(name, hasConfig ? configOrCallback : undefined, host.profile);
    const count = exec.nextOccurrence(`do\u0000${name}`);
    const key = `do\u0000${name}\u0000${count}`;
    const record = exec.record;
    let step = record.steps.get(key) as DoStepRecord | undefined;
    if (step?.outcome) {
      host.trace.record({ type: "step.cached", instance: record.id, step: name, count });
      if (step.outcome.ok) return step.outcome.value;
      throw toError(step.outcome.error);
    }
    if (!step) {
      step = { kind: "do", name, count, attempts: 0, attemptInFlight: false, config: current, retryAt: null, outcome: null };
      record.steps.set(key, step);
      record.stepOrder.push(key);
    }
    // WF-36: retries use the config persisted by the first attempt; a delay function cannot be persisted, so the
    // current code's function is used (the local engine stores a "[dynamic]" marker the same way).
    const persisted = step.config ?? current;
    const config = { ...persisted, retries: { ...persisted.retries, delayFn: current.retries.delayFn } };
    if (step.attemptInFlight) {
      // The previous lifetime died mid-attempt (WF-90 / §E.9).
      step.attemptInFlight = false;
      if (!host.profile.interruptedAttemptCounts) step.attempts -= 1;
    }
    if (step.retryAt !== null) {
      await this.engine.wait(exec, { category: "retry", until: step.retryAt });
      if (!exec.alive) return never();
      step.retryAt = null;
    }

    for (;;) {
      // WF-80: no new attempt starts while a pause is pending; a resume (WF-81) lets it go on.
      while (record.pauseRequested) {
        await exec.untilPauseCancelled();
        if (!exec.alive) return never();
      }
      if (host.crashPoint("beforeStepAttempt", { instance: record.id, step: name })) return never();
      if (!exec.alive) return never();
      const attempt = ++step.attempts;
      step.attemptInFlight = true;
      host.trace.record({ type: "step.attempt", instance: record.id, step: name, count, attempt });
      const ctx = { step: { name, count }, attempt, config: config.visible };
      exec.inflightSteps++;
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: await this.runAttempt(exec, callback as (ctx: unknown) => unknown, ctx, config.timeoutMs) };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        exec.inflightSteps--;
      }
      if (!exec.alive) return never();

      if (outcome.ok) {
        let stored: unknown;
        try {
          stored = this.engine.toStorage(outcome.value, `the output of step "${name}"`, "none");
          // Serialised only when a cheap bound cannot show it is small enough (the outcome is the same).
          const limit = host.profile.stepOutputLimitBytes;
          if (!structuredSizeAtMost(stored, limit) && serialize(stored).byteLength > limit) {
            throw new WorkflowInternalError(`Step ${name}-${count} output is too large. Maximum allowed size is 1MiB.`);
          }
        } catch (error) {
          if (error instanceof DataCloneError) {
            // WF-16: an output that cannot be stored ends the instance, with no retry.
            step.attemptInFlight = false;
            this.engine.failInstance(exec, {
              name: "WorkflowFatalError",
              message: `The execution of the Workflow instance was terminated, as the step "${name}" returned a value which is not serialisable`,
            });
            return never();
          }
          outcome = { ok: false, error };
        }
        if (outcome.ok) {
          if (host.crashPoint("afterStepCallback", { instance: record.id, step: name })) return never();
          step.outcome = { ok: true, value: stored };
          step.attemptInFlight = false;
          host.trace.record({ type: "step.commit", instance: record.id, step: name, count, attempt });
          this.engine.stepSettled(exec);
          if (host.crashPoint("afterStepCommit", { instance: record.id, step: name })) return never();
          if (!exec.alive) return never();
          // Local engine (context.ts `#checkForPendingPause`): the result is cached, but once the pause has taken
          // effect and no other step runs, the call itself rejects with the pause error.
          if (exec.pausedWhileRunning && exec.inflightSteps === 0) throw new Error(PAUSE_ABORT_MESSAGE);
          return stored;
        }
      }

      step.attemptInFlight = false;
      const error = errorShape(outcome.error);
      let delay: number | null = null;
      let finalError = error;
      if (!isNonRetryable(error) && attempt <= config.retries.limit) {
        // A delay function runs as part of the step: it keeps the step in flight (runUntilIdle moves time for it).
        exec.inflightSteps++;
        try {
          delay = await this.retryDelay(exec, config.retries, name, count, ctx, error, attempt);
        } catch (delayError) {
          finalError = errorShape(delayError);
        } finally {
          exec.inflightSteps--;
        }
        if (!exec.alive) return never();
      }
      host.trace.record({
        type: "step.failure", instance: record.id, step: name, count, attempt,
        error: `${error.name}: ${error.message}`, willRetry: delay !== null,
      });
      if (delay === null) {
        // WF-38 / WF-40: retries exhausted or non-retryable: the error is cached and thrown into run().
        step.outcome = { ok: false, error: this.storedError(finalError) };
        this.engine.stepSettled(exec);
        if (!exec.alive) return never();
        throw toError(finalError);
      }
      step.retryAt = host.clock.now() + delay;
      this.engine.stepSettled(exec);
      if (!exec.alive) return never();
      await this.engine.wait(exec, { category: "retry", until: step.retryAt });
      if (!exec.alive) return never();
      step.retryAt = null;
    }
  }

  /** One attempt, bounded by the step timeout (WF-37). The callback is not cancelled; a late result is dropped. */
  private runAttempt(exec: Execution, callback: (ctx: unknown) => unknown, ctx: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = exec.own(this.host.clock.after(timeoutMs, () => reject(new WorkflowTimeoutError(timeoutMs))));
      // The timer is cancelled as the attempt settles (no timer can fire between two microtasks), not in a
      // `.finally` a turn later: the same order of events, three promises fewer per attempt.
      Promise.resolve()
        .then(() => callback(ctx))
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

  /** WF-32 / WF-35: the wait before the next attempt. A failing delay function ends the step. */
  private async retryDelay(
    exec: Execution,
    retries: { delayMs: number | null; delayFn: ((arg: unknown) => unknown) | null; backoff: "constant" | "linear" | "exponential" },
    name: string,
    count: number,
    ctx: unknown,
    error: ErrorShape,
    failedAttempt: number,
  ): Promise<number> {
    if (!retries.delayFn) return retryDelayMs(retries.delayMs ?? 0, retries.backoff, failedAttempt);
    const prefix = `The delay function for step "${name}-${count}"`;
    const result = await new Promise((resolve, reject) => {
      const timer = exec.own(
        this.host.clock.after(DELAY_FUNCTION_TIMEOUT_MS, () => reject(new NonRetryableDelayError(`${prefix} did not return within 5 seconds`))),
      );
      Promise.resolve()
        .then(() => retries.delayFn!({ ctx, error: toError(error) }))
        .then(resolve, (e) => reject(new NonRetryableDelayError(`${prefix} threw an error: ${errorShape(e).message}`)))
        .finally(() => timer.cancel());
    });
    return retryDelayMs(assertRetryDelayResult(result, name, count), retries.backoff, failedAttempt);
  }

  async sleep(exec: Execution, rawName: unknown, duration: unknown): Promise<void> {
    const name = validateStepName(rawName);
    const ms = parseDuration(duration, `sleep "${name}"`);
    this.checkWaitLimit(ms, `sleep "${name}"`);
    return this.sleepFor(exec, name, ms, () => this.host.clock.now() + ms);
  }

  async sleepUntil(exec: Execution, rawName: unknown, timestamp: unknown): Promise<void> {
    const name = validateStepName(rawName);
    const until = types.isDate(timestamp) ? (timestamp as Date).getTime() : timestamp;
    if (typeof until !== "number" || !Number.isFinite(until)) {
      throw new WorkflowFatalError(`sleepUntil "${name}" needs a Date or a number of epoch milliseconds, got ${String(timestamp)}`);
    }
    const now = this.host.clock.now();
    // WF-54 / §E.10: the local engine checks on every pass, so even a finished sleepUntil throws when replayed late.
    if (this.host.profile.sleepUntilPastThrows && until < now) {
      throw new Error("You can't sleep until a time in the past, time-traveler");
    }
    this.checkWaitLimit(until - now, `sleepUntil "${name}"`);
    return this.sleepFor(exec, name, until - now, () => until);
  }

  private async sleepFor(exec: Execution, name: string, ms: number, until: () => number): Promise<void> {
    const { host } = this;
    const record = exec.record;
    // WF-55: the local engine keys sleeps by name AND duration; production by name and occurrence.
    const counterKey = host.profile.sleepKeyIncludesDuration ? `sleep\u0000${name}${ms}` : `sleep\u0000${name}`;
    const count = exec.nextOccurrence(counterKey);
    const key = `${counterKey}\u0000${count}`;
    let sleep = record.steps.get(key) as SleepRecord | undefined;
    if (sleep?.done) return;
    if (!sleep) {
      sleep = { kind: "sleep", name, count, until: until(), done: false };
      record.steps.set(key, sleep);
      record.stepOrder.push(key);
      host.trace.record({ type: "sleep.start", instance: record.id, step: name, count, until: sleep.until });
    }
    if (host.crashPoint("duringSleep", { instance: record.id, step: name })) return never();
    // Local engine: a sleep that starts after the pause took effect races an already aborted signal.
    if (exec.pausedWhileRunning) throw new Error(PAUSE_ABORT_MESSAGE);
    if (sleep.until > host.clock.now()) {
      await this.engine.wait(exec, { category: "sleep", until: sleep.until });
      if (!exec.alive) return never();
    }
    sleep.done = true;
    host.trace.record({ type: "sleep.end", instance: record.id, step: name, count });
  }

  async waitForEvent(exec: Execution, rawName: unknown, options: unknown): Promise<unknown> {
    const { host } = this;
    const name = validateStepName(rawName);
    if (typeof options !== "object" || options === null || typeof (options as { type?: unknown }).type !== "string") {
      throw new WorkflowFatalError(`waitForEvent "${name}" needs options { type: string, timeout? }`);
    }
    const { type, timeout } = options as { type: string; timeout?: unknown };
    if (host.profile.enforceLimits) validateEventType(type);
    // WF-62: a falsy timeout means the 24-hour default.
    const timeoutMs = timeout ? parseDuration(timeout, `the timeout of waitForEvent "${name}"`) : DEFAULT_EVENT_TIMEOUT_MS;
    if (host.profile.enforceLimits && (timeoutMs < 1_000 || timeoutMs > MAX_WAIT_MS)) {
      throw new WorkflowFatalError(`The timeout of waitForEvent "${name}" must be between 1 second and 365 days, got ${timeoutMs} ms`);
    }
    const record = exec.record;
    const count = exec.nextOccurrence(`waitForEvent\u0000${name}`);
    const key = `waitForEvent\u0000${name}\u0000${count}`;
    let wait = record.steps.get(key) as EventWaitRecord | undefined;
    if (wait?.outcome) {
      host.trace.record({ type: "step.cached", instance: record.id, step: name, count });
      if (wait.outcome.ok) return eventValue(wait.outcome.event);
      throw toError(wait.outcome.error);
    }
    if (!wait) {
      wait = { kind: "waitForEvent", name, count, type, deadline: host.clock.now() + timeoutMs, outcome: null };
      record.steps.set(key, wait);
      record.stepOrder.push(key);
    }
    const settled = wait;
    // Local engine: a wait that starts after the pause took effect races an already aborted signal (the buffered
    // event, if any, stays buffered).
    if (exec.pausedWhileRunning) throw new Error(PAUSE_ABORT_MESSAGE);
    // WF-65: an event that arrived before this wait is buffered and taken now, oldest first.
    const buffered = record.eventBuffer.get(type);
    if (buffered && buffered.length > 0) {
      const event = buffered.shift()!;
      if (buffered.length === 0) record.eventBuffer.delete(type);
      settled.outcome = { ok: true, event };
      host.trace.record({ type: "event.deliver", instance: record.id, step: name, count, eventType: type });
      return eventValue(event);
    }
    if (host.crashPoint("duringWaitForEvent", { instance: record.id, step: name })) return never();
    if (!exec.alive) return never();
    return new Promise((resolve, reject) => {
      const pending: PendingWait = { category: "event", until: settled.deadline };
      exec.waits.add(pending);
      const waiter = {
        key,
        deliver: (event: DeliveredEvent) => {
          exec.waits.delete(pending);
          timer.cancel();
          settled.outcome = { ok: true, event };
          host.trace.record({ type: "event.deliver", instance: record.id, step: name, count, eventType: type });
          resolve(eventValue(event));
        },
      };
      const queue = exec.waiters.get(type) ?? [];
      queue.push(waiter);
      exec.waiters.set(type, queue);
      // Local engine (pause): the wait rejects with the pause error, nothing is cached, a replay waits again.
      pending.interrupt = (error) => {
        exec.waits.delete(pending);
        exec.removeWaiter(type, waiter);
        timer.cancel();
        reject(error);
      };
      const timer = exec.own(
        host.clock.at(settled.deadline, () => {
          // WF-63 / WF-67: the timeout is cached, and a timed-out waiter takes no later event.
          exec.waits.delete(pending);
          exec.removeWaiter(type, waiter);
          const error = new WorkflowTimeoutError(timeoutMs);
          settled.outcome = { ok: false, error: this.storedError({ name: error.name, message: error.message }) };
          host.trace.record({ type: "event.timeout", instance: record.id, step: name, count, eventType: type });
          reject(error);
        }),
      );
      this.engine.considerHibernation(exec);
    });
  }

  /**
   * The form in which a step's error is cached, i.e. what a replay throws. The local engine stores the Error object
   * with V8 serialization, which keeps the message but only the built-in names (profile `storedStepErrorsKeepName`).
   * Errors thrown by the tenant already arrive in the engine as `Error` ("Name: message") across RPC, so in practice
   * this changes the engine's own errors, such as WorkflowTimeoutError.
   */
  private storedError(error: ErrorShape): ErrorShape {
    if (this.host.profile.storedStepErrorsKeepName || SERIALIZABLE_ERROR_NAMES.has(error.name)) return error;
    return { name: "Error", message: error.message };
  }

  private checkWaitLimit(ms: number, what: string): void {
    if (this.host.profile.enforceLimits && ms > MAX_WAIT_MS) {
      throw new WorkflowFatalError(`${what} is longer than the maximum of 365 days (${ms} ms)`);
    }
  }
}

function eventValue(event: DeliveredEvent): { type: string; payload: unknown; timestamp: Date } {
  return { type: event.type, payload: event.payload, timestamp: new Date(event.timestamp) };
}

/** `{name, message}` of anything thrown; a non-Error value `x` becomes `{name: "Error", message: String(x)}` (LE-08). */
export function errorShape(error: unknown): ErrorShape {
  if (types.isNativeError(error) || (typeof error === "object" && error !== null && "message" in error)) {
    const e = error as { name?: unknown; message?: unknown };
    return { name: String(e.name ?? "Error"), message: String(e.message ?? "") };
  }
  return { name: "Error", message: String(error) };
}

/** Rebuilds a cached error as a host Error that keeps its name. */
export function toError(shape: ErrorShape): Error {
  const error = new Error(shape.message);
  if (shape.name !== "Error") Object.defineProperty(error, "name", { value: shape.name, writable: true, configurable: true });
  return error;
}

