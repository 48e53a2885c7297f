/**
 * `step.do` (spec A1), in the phases of one call: the cached result, else attempts until one commits or the step fails
 * for good, each attempt after its retry wait. Every result is cached durably under (name, occurrence) and returned
 * without running the callback on replay. An attempt is marked in-flight in storage before its callback runs, so an
 * attempt interrupted by a crash is detected on replay and runs again (at-least-once, WF-90).
 *
 * A killed execution never commits: every await is followed by an `exec.alive` check, and a phase that finds the
 * execution dead (or fires a crash) answers DEAD, on which `run` returns a promise that never settles. The phases
 * that do not wait are synchronous and every await stays in `run`, so a call takes the same turns of the microtask
 * queue as it would written in one piece (runs replay exactly, interleavings included).
 */
import { mutated } from "../mutations.ts";
import { serialize } from "node:v8";
import { retryDelayMs } from "../lib/backoff.ts";
import {
  DataCloneError,
  isNonRetryable,
  NonRetryableDelayError,
  WorkflowFatalError,
  WorkflowInternalError,
  WorkflowTimeoutError,
} from "../lib/errors.ts";
import { structuredSizeAtMost } from "../lib/structured-size.ts";
import {
  assertRetryDelayResult,
  resolveStepConfig,
  validateStepName,
  type ResolvedStepConfig,
} from "../lib/validators.ts";
import { resolveRollbackOptions } from "../lib/rollback-options.ts";
import { never } from "../runtime/never.ts";
import type { EngineHost } from "./engine-host.ts";
import { errorShape, storedStepError, toError } from "./error-shape.ts";
import { PAUSE_ABORT_MESSAGE, type Execution } from "./execution.ts";
import type { DoStepRecord, ErrorShape } from "./instance-record.ts";
import { CPU_LIMIT_MESSAGE } from "./production-limits.ts";
import type { StepEngine } from "./step-engine.ts";
import { eventConfig, stepEvent } from "./instance-events.ts";
import { shownStepOutput } from "./step-output-view.ts";
import type { AttemptOverride } from "./step-interceptor.ts";
import {
  invalidStreamInstanceMessage,
  isReadableStream,
  replayStream,
  storeStreamOutput,
  type StoredStream,
  StreamOutputError,
} from "./stream-output.ts";

const DELAY_FUNCTION_TIMEOUT_MS = 5_000; // WF-35

/** A phase's answer when the execution died, or an armed crash fired, meanwhile: the call must stop. */
const DEAD = Symbol("execution dead");

/** One `step.do` call: which step it is (name and occurrence) and what it was called with. */
interface DoCall {
  exec: Execution;
  name: string;
  count: number;
  /** The cache key: (kind, name, occurrence). */
  key: string;
  callback: (ctx: unknown) => unknown;
  /** The config given by this call (the first call's config is the one persisted: WF-36). */
  current: ResolvedStepConfig;
  /** WF-43: called with a rollback handler. */
  rollback: boolean;
}

interface Attempt {
  number: number;
  /** What the callback receives (WF-15). */
  ctx: unknown;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** An attempt's ReadableStream output, read to its end and stored in chunks (WF-19): what `commit` keeps. */
class PersistedStream {
  constructor(readonly stored: StoredStream) {}
}

export class DoStep {
  constructor(private readonly engine: StepEngine) {}

  private get host(): EngineHost {
    return this.engine.host;
  }

  async run(
    exec: Execution,
    rawName: unknown,
    configOrCallback: unknown,
    maybeCallback: unknown,
    maybeRollback?: unknown,
  ): Promise<unknown> {
    const call = this.open(exec, rawName, configOrCallback, maybeCallback, maybeRollback);
    const existing = exec.record.steps.get(call.key) as DoStepRecord | undefined;
    if (existing?.outcome) return this.cachedResult(call, existing.outcome);
    // LE-09: a replay for a rollback chain only collects handlers (open() did); a step not finished runs nothing.
    if (exec.phase === "replay") return undefined;
    const { step, config } = this.resume(call, existing);
    for (;;) {
      if (step.retryAt !== null) {
        // Retry wait: durable, so a replay after a failed attempt waits out what is left of it.
        await this.engine.wait(exec, { category: "retry", until: step.retryAt });
        if (!exec.alive) return never();
        step.retryAt = null;
      }
      // WF-80: no new attempt starts while a pause is pending; a resume (WF-81) lets it go on.
      while (exec.record.pauseRequested) {
        await exec.untilPauseCancelled();
        if (!exec.alive) return never();
      }

      const attempt = this.startAttempt(call, step, config);
      if (attempt === DEAD) return never();
      exec.inflightSteps++;
      let outcome: Outcome;
      // A test's mock (cloudflare:test introspection) replaces the callback; the attempt is counted and traced alike.
      const override = this.engine.interceptor?.stepAttempt(exec.record.id, call.name, call.count, attempt.number);
      try {
        outcome = {
          ok: true,
          value: await (override
            ? overriddenAttempt(override)
            : this.runAttempt(exec, step, call.callback, attempt.ctx, config.timeoutMs)),
        };
      } catch (error) {
        outcome = { ok: false, error };
      } finally {
        exec.inflightSteps--;
      }
      if (!exec.alive) return never();
      if (!outcome.ok && outcome.error instanceof StreamOutputError) {
        // WF-19: a stream the rules refuse ends the instance, no retry; what it stored so far is discarded.
        step.attemptInFlight = false;
        step.pendingStream = null;
        this.engine.failInstance(exec, {
          name: "WorkflowFatalError",
          message: invalidStreamInstanceMessage(call.name, outcome.error),
        });
        return never();
      }

      if (outcome.ok) {
        const committed = this.commit(call, step, attempt, outcome.value);
        if (committed === DEAD) return never();
        if (committed.ok) return committed.value;
        outcome = committed; // an output that cannot be kept fails the attempt
      }

      step.attemptInFlight = false;
      const error = errorShape(outcome.error);
      let delay: number | null = null;
      let finalError = error;
      const retryable = !isNonRetryable(error) || (mutated("nonRetryableRetriedOnce") && attempt.number === 1);
      if (retryable && attempt.number <= config.retries.limit) {
        // A delay function runs as part of the step: it keeps the step in flight (runUntilIdle moves time for it).
        exec.inflightSteps++;
        try {
          delay = await this.retryDelay(
            exec,
            config.retries,
            call.name,
            call.count,
            attempt.ctx,
            error,
            attempt.number,
          );
        } catch (delayError) {
          finalError = errorShape(delayError);
        } finally {
          exec.inflightSteps--;
        }
        if (!exec.alive) return never();
      }
      if (delay !== null && this.engine.interceptor?.retryDelayDisabled(exec.record.id, call.name, call.count))
        delay = 0;
      if (this.fail(call, step, attempt, error, finalError, delay) === DEAD) return never();
    }
  }

  /**
   * Validates the call (the step limit too, WF-91) and names the step: its occurrence and cache key. A rollback
   * handler in the options (WF-43: the argument after the callback) is registered for this lifetime.
   */
  private open(
    exec: Execution,
    rawName: unknown,
    configOrCallback: unknown,
    maybeCallback: unknown,
    maybeRollback: unknown,
  ): DoCall {
    const { host } = this;
    const name = validateStepName(rawName);
    // WF-43: while the chain runs, run() may not start steps (a branch it left running, say).
    if (exec.phase === "rollback") throw new WorkflowFatalError("Cannot execute steps during rollback phase");
    const hasConfig = typeof configOrCallback !== "function";
    const callback = hasConfig ? maybeCallback : configOrCallback;
    if (typeof callback !== "function") throw new WorkflowFatalError(`Step "${name}" requires a callback function`);
    const rollback = resolveRollbackOptions(name, hasConfig ? maybeRollback : maybeCallback, host.profile);
    if (++exec.stepCalls > host.stepLimit) {
      throw new WorkflowFatalError(
        `The limit of ${host.stepLimit} steps has been reached. This limit can be changed in your worker configuration.`,
      );
    }
    const current = resolveStepConfig(name, hasConfig ? configOrCallback : undefined, host.profile);
    const count = exec.nextOccurrence(`do\u0000${name}`);
    const key = `do\u0000${name}\u0000${count}`;
    if (rollback) exec.rollbackHandlers.set(key, rollback);
    return { exec, name, count, key, callback: callback as (ctx: unknown) => unknown, current, rollback: !!rollback };
  }

  /** Cached result: a step that already committed or failed for good returns or throws that again, running nothing. */
  private cachedResult(call: DoCall, outcome: NonNullable<DoStepRecord["outcome"]>): unknown {
    this.host.trace.record({ type: "step.cached", instance: call.exec.record.id, step: call.name, count: call.count });
    if (outcome.ok) return outcome.stream ? replayStream(outcome.stream) : outcome.value;
    throw toError(outcome.error);
  }

  /** The step's durable record (made by its first call) and the config its attempts use. */
  private resume(call: DoCall, existing: DoStepRecord | undefined): { step: DoStepRecord; config: ResolvedStepConfig } {
    const record = call.exec.record;
    let step = existing;
    if (!step) {
      step = {
        kind: "do",
        name: call.name,
        count: call.count,
        attempts: 0,
        attemptInFlight: false,
        config: call.current,
        retryAt: null,
        outcome: null,
        ...(call.rollback && { hasRollback: true }),
      };
      record.steps.set(call.key, step);
      record.stepOrder.push(call.key);
      stepEvent(this.engine, call.exec, "step_started", { stepName: call.name, config: eventConfig(call.current) });
    }
    // WF-36: retries use the config persisted by the first attempt; a delay function cannot be persisted, so the
    // current code's function is used (the local engine stores a "[dynamic]" marker the same way).
    const persisted = step.config ?? call.current;
    const config = { ...persisted, retries: { ...persisted.retries, delayFn: call.current.retries.delayFn } };
    if (step.attemptInFlight) {
      // The previous lifetime died mid-attempt (WF-90 / §E.9).
      step.attemptInFlight = false;
      if (!this.host.profile.interruptedAttemptCounts) step.attempts -= 1;
    }
    return { step, config };
  }

  /** Starts an attempt: counted and marked in flight in storage before the callback runs. */
  private startAttempt(call: DoCall, step: DoStepRecord, config: ResolvedStepConfig): Attempt | typeof DEAD {
    const { host } = this;
    const { exec, name, count } = call;
    if (host.crashPoint("beforeStepAttempt", { instance: exec.record.id, step: name })) return DEAD;
    if (!exec.alive) return DEAD;
    const attempt = ++step.attempts;
    step.attemptInFlight = true;
    // Stream chunks an earlier attempt left behind (it failed, or a crash cut it short) are discarded (WF-19).
    step.pendingStream = null;
    host.trace.record({ type: "step.attempt", instance: exec.record.id, step: name, count, attempt });
    stepEvent(this.engine, exec, "attempt_started", { stepName: name, attempt });
    return { number: attempt, ctx: { step: { name, count }, attempt, config: config.visible } };
  }

  /**
   * Commit: the attempt's output becomes the step's cached result. An output that cannot be stored ends the instance
   * (WF-16); one over the size limit fails the attempt like a thrown error.
   */
  private commit(
    call: DoCall,
    step: DoStepRecord,
    attempt: Attempt,
    value: unknown,
  ): { ok: true; value: unknown } | { ok: false; error: unknown } | typeof DEAD {
    const { host } = this;
    const { exec, name, count } = call;
    const record = exec.record;
    let stored: unknown;
    const stream = value instanceof PersistedStream ? value.stored : undefined;
    try {
      // A stream's bytes are already stored in chunks: they count toward the storage limit, not the output limit.
      if (stream) stored = undefined;
      else stored = this.engine.toStorage(value, `the output of step "${name}"`, "none");
      // Serialised only when a cheap bound cannot show it is small enough (the outcome is the same).
      const limit = host.profile.stepOutputLimitBytes;
      if (!stream && !structuredSizeAtMost(stored, limit) && serialize(stored).byteLength > limit) {
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
        return DEAD;
      }
      return { ok: false, error };
    }
    if (host.crashPoint("afterStepCallback", { instance: record.id, step: name })) return DEAD;
    step.outcome = stream ? { ok: true, value: undefined, stream } : { ok: true, value: stored };
    step.attemptInFlight = false;
    step.pendingStream = null;
    host.trace.record({ type: "step.commit", instance: record.id, step: name, count, attempt: attempt.number });
    stepEvent(this.engine, exec, "attempt_completed", { stepName: name, attempt: attempt.number });
    stepEvent(this.engine, exec, "step_completed", { stepName: name, output: shownStepOutput(step)?.value });
    this.engine.stepSettled(exec);
    if (host.crashPoint("afterStepCommit", { instance: record.id, step: name })) return DEAD;
    if (!exec.alive) return DEAD;
    // Local engine (context.ts `#checkForPendingPause`): the result is cached, but once the pause has taken
    // effect and no other step runs, the call itself rejects with the pause error.
    if (exec.pausedWhileRunning && exec.inflightSteps === 0) throw new Error(PAUSE_ABORT_MESSAGE);
    // WF-19: even the first caller reads a new stream over the stored chunks, as on every replay.
    return { ok: true, value: stream ? replayStream(stream) : stored };
  }

  /**
   * Fail: a failed attempt either schedules the next one (`delay` set: the retry wait is durable) or, retries
   * exhausted or non-retryable (WF-38 / WF-40), caches `finalError` and throws it into run().
   */
  private fail(
    call: DoCall,
    step: DoStepRecord,
    attempt: Attempt,
    error: ErrorShape,
    finalError: ErrorShape,
    delay: number | null,
  ): typeof DEAD | undefined {
    const { host } = this;
    const { exec, name, count } = call;
    host.trace.record({
      type: "step.failure",
      instance: exec.record.id,
      step: name,
      count,
      attempt: attempt.number,
      error: `${error.name}: ${error.message}`,
      willRetry: delay !== null,
    });
    step.pendingStream = null; // a failed attempt's stream chunks are discarded (WF-19)
    stepEvent(this.engine, exec, "attempt_errored", {
      stepName: name,
      attempt: attempt.number,
      ...(delay !== null && { retryDelayMs: delay }),
      error: { name: error.name, message: error.message },
    });
    if (delay === null) stepEvent(this.engine, exec, "step_errored", { stepName: name });
    if (delay === null) {
      step.outcome = { ok: false, error: storedStepError(finalError, host.profile) };
      this.engine.stepSettled(exec);
      if (!exec.alive) return DEAD;
      throw toError(finalError);
    }
    step.retryAt = host.clock.now() + delay;
    this.engine.stepSettled(exec);
    if (!exec.alive) return DEAD;
    return undefined;
  }

  /**
   * One attempt, bounded by the step timeout (WF-37). The callback is not cancelled; a late result is dropped. A
   * ReadableStream output is read to its end within the same timeout (WF-19).
   */
  private runAttempt(
    exec: Execution,
    step: DoStepRecord,
    callback: (ctx: unknown) => unknown,
    ctx: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = exec.own(
        this.host.clock.after(timeoutMs, () => {
          timedOut = true;
          reject(new WorkflowTimeoutError(timeoutMs));
        }),
      );
      // The timer is cancelled as the attempt settles (no timer can fire between two microtasks), not in a
      // `.finally` a turn later: the same order of events, three promises fewer per attempt.
      Promise.resolve()
        .then(() => this.metered(callback, ctx))
        .then(
          (value) => {
            if (isReadableStream(value)) {
              const rules = this.host.profile.streamOutputs;
              storeStreamOutput(exec.record, step, value, rules, () => !timedOut && exec.alive).then(
                (stored) => {
                  timer.cancel();
                  resolve(new PersistedStream(stored));
                },
                (error) => {
                  timer.cancel();
                  reject(error);
                },
              );
              return;
            }
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

  /**
   * WF-92: the attempt's CPU time, read around the callback's synchronous part (emulator/engine/cpu-meter.ts). Over
   * the limit the attempt fails with the runtime's error, whatever the callback returned; it is retried like any
   * failed attempt.
   */
  private metered(callback: (ctx: unknown) => unknown, ctx: unknown): unknown {
    const { stepCpuMs: limit, cpuMeter } = this.host.limits;
    if (limit === null) return callback(ctx);
    const before = cpuMeter();
    let result: unknown;
    try {
      result = callback(ctx);
    } finally {
      if (cpuMeter() - before > limit) {
        // The isolate would have been stopped: whatever the callback's promise does later is of no interest.
        if (isThenable(result)) result.then(undefined, () => {});
        // biome-ignore lint/correctness/noUnsafeFinally: the CPU limit wins over the callback's own outcome
        throw new Error(CPU_LIMIT_MESSAGE);
      }
    }
    return result;
  }

  /** WF-32 / WF-35: the wait before the next attempt. A failing delay function ends the step. */
  private async retryDelay(
    exec: Execution,
    retries: {
      delayMs: number | null;
      delayFn: ((arg: unknown) => unknown) | null;
      backoff: "constant" | "linear" | "exponential";
    },
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
        this.host.clock.after(DELAY_FUNCTION_TIMEOUT_MS, () =>
          reject(new NonRetryableDelayError(`${prefix} did not return within 5 seconds`)),
        ),
      );
      Promise.resolve()
        .then(() => retries.delayFn!({ ctx, error: toError(error) }))
        .then(resolve, (e) => reject(new NonRetryableDelayError(`${prefix} threw an error: ${errorShape(e).message}`)))
        .finally(() => timer.cancel());
    });
    return retryDelayMs(assertRetryDelayResult(result, name, count), retries.backoff, failedAttempt);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * A mocked attempt, as the vitest plugin's engine runs one: a mocked error is thrown with its name and message, a
 * forced timeout fails like a step timeout of 0 ms, a mocked result is returned as if the callback had.
 */
async function overriddenAttempt(override: AttemptOverride): Promise<unknown> {
  if (override.kind === "result") return override.value;
  if (override.kind === "timeout") throw new WorkflowTimeoutError(0);
  const error = new Error(override.error.message);
  error.name = override.error.name;
  throw error;
}
