/**
 * How an attempt's end becomes the step's durable outcome, apart from running it (step-do.ts): the commit of an
 * output (its storage, size limit and crash points) and the failure that schedules a retry or ends the step. Both are
 * synchronous: every await of a `step.do` call stays in step-do.ts's `run`.
 */
import { serialize } from "node:v8";
import { DataCloneError, WorkflowInternalError } from "../lib/errors.ts";
import { structuredSizeAtMost } from "../lib/structured-size.ts";
import { storedStepError, toError } from "./error-shape.ts";
import { PAUSE_ABORT_MESSAGE } from "./execution.ts";
import { stepEvent } from "./instance-events.ts";
import type { DoStepRecord, ErrorShape } from "./instance-record.ts";
import { PersistedStream } from "./step-attempt.ts";
import { type Attempt, DEAD, type DoCall } from "./step-do-call.ts";
import type { StepEngine } from "./step-engine.ts";
import { shownStepOutput } from "./step-output-view.ts";
import { replayStream } from "./stream-output.ts";

/**
 * Commit: the attempt's output becomes the step's cached result. An output that cannot be stored ends the instance
 * (WF-16); one over the size limit fails the attempt like a thrown error.
 */
export function commitAttempt(
  engine: StepEngine,
  call: DoCall,
  step: DoStepRecord,
  attempt: Attempt,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; error: unknown } | typeof DEAD {
  const { host } = engine;
  const { exec, name, count } = call;
  const record = exec.record;
  let stored: unknown;
  const stream = value instanceof PersistedStream ? value.stored : undefined;
  try {
    // A stream's bytes are already stored in chunks: they count toward the storage limit, not the output limit.
    if (stream) stored = undefined;
    else stored = engine.toStorage(value, `the output of step "${name}"`, "none");
    // Serialised only when a cheap bound cannot show it is small enough (the outcome is the same).
    const limit = host.profile.stepOutputLimitBytes;
    if (!stream && !structuredSizeAtMost(stored, limit) && serialize(stored).byteLength > limit) {
      throw new WorkflowInternalError(`Step ${name}-${count} output is too large. Maximum allowed size is 1MiB.`);
    }
  } catch (error) {
    if (error instanceof DataCloneError) {
      // WF-16: an output that cannot be stored ends the instance, with no retry.
      step.attemptInFlight = false;
      engine.failInstance(exec, {
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
  stepEvent(engine, exec, "attempt_completed", { stepName: name, attempt: attempt.number });
  stepEvent(engine, exec, "step_completed", { stepName: name, output: shownStepOutput(step)?.value });
  engine.stepSettled(exec);
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
export function failAttempt(
  engine: StepEngine,
  call: DoCall,
  step: DoStepRecord,
  attempt: Attempt,
  error: ErrorShape,
  finalError: ErrorShape,
  delay: number | null,
): typeof DEAD | undefined {
  const { host } = engine;
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
  stepEvent(engine, exec, "attempt_errored", {
    stepName: name,
    attempt: attempt.number,
    ...(delay !== null && { retryDelayMs: delay }),
    error: { name: error.name, message: error.message },
  });
  if (delay === null) stepEvent(engine, exec, "step_errored", { stepName: name });
  if (delay === null) {
    step.outcome = { ok: false, error: storedStepError(finalError, host.profile) };
    engine.stepSettled(exec);
    if (!exec.alive) return DEAD;
    throw toError(finalError);
  }
  step.retryAt = host.clock.now() + delay;
  engine.stepSettled(exec);
  if (!exec.alive) return DEAD;
  return undefined;
}
