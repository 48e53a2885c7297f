/**
 * `step.do` (spec A1), in the phases of one call: the cached result, else attempts until one commits or the step fails
 * for good, each attempt after its retry wait. Every result is cached durably under (name, occurrence) and returned
 * without running the callback on replay. An attempt is marked in-flight in storage before its callback runs, so an
 * attempt interrupted by a crash is detected on replay and runs again (at-least-once, WF-90).
 *
 * A killed execution never commits: every await is followed by an `exec.alive` check, and a phase that finds the
 * execution dead (or fires a crash) answers DEAD, on which `run` returns a promise that never settles. The phases
 * that do not wait are synchronous and every await stays in `run`, so a call takes the same turns of the microtask
 * queue as it would written in one piece (runs replay exactly, interleavings included). The phases live beside it:
 * the attempt (step-attempt.ts), the retry wait (step-retry-delay.ts), the commit or failure (step-outcome.ts), and
 * what they share (step-do-call.ts).
 */
import { mutated } from "../mutations.ts";
import { isNonRetryable, WorkflowFatalError } from "../lib/errors.ts";
import { resolveStepConfig, validateStepName, type ResolvedStepConfig } from "../lib/validators.ts";
import { resolveRollbackOptions } from "../lib/rollback-options.ts";
import { never } from "../runtime/never.ts";
import type { EngineHost } from "./engine-host.ts";
import { errorShape, toError } from "./error-shape.ts";
import type { Execution } from "./execution.ts";
import type { DoStepRecord } from "./instance-record.ts";
import type { StepEngine } from "./step-engine.ts";
import { eventConfig, stepEvent } from "./instance-events.ts";
import { overriddenAttempt, runAttempt } from "./step-attempt.ts";
import { type Attempt, DEAD, type DoCall, type Outcome } from "./step-do-call.ts";
import { commitAttempt, failAttempt } from "./step-outcome.ts";
import { retryDelay } from "./step-retry-delay.ts";
import { invalidStreamInstanceMessage, replayStream, StreamOutputError } from "./stream-output.ts";

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
            : runAttempt(this.host, exec, step, call.callback, attempt.ctx, config.timeoutMs)),
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
        const committed = commitAttempt(this.engine, call, step, attempt, outcome.value);
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
          delay = await retryDelay(
            this.host,
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
      if (failAttempt(this.engine, call, step, attempt, error, finalError, delay) === DEAD) return never();
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
}
