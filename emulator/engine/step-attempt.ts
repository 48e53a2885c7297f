/**
 * One attempt of a `step.do` callback, apart from what the call does with its outcome (step-do.ts): bounded by the
 * step timeout (WF-37) and the CPU limit (WF-92), a stream output read to its end (WF-19), or a test's mock in its
 * place. Kept as plain functions returning the same promises as before, so an attempt takes the same microtask turns.
 */
import { WorkflowTimeoutError } from "../lib/errors.ts";
import type { EngineHost } from "./engine-host.ts";
import type { Execution } from "./execution.ts";
import type { DoStepRecord } from "./instance-record.ts";
import { CPU_LIMIT_MESSAGE, type ProductionLimits } from "./production-limits.ts";
import type { AttemptOverride } from "./step-interceptor.ts";
import { isReadableStream, storeStreamOutput, type StoredStream } from "./stream-output.ts";

/** An attempt's ReadableStream output, read to its end and stored in chunks (WF-19): what the commit keeps. */
export class PersistedStream {
  constructor(readonly stored: StoredStream) {}
}

/**
 * One attempt, bounded by the step timeout (WF-37). The callback is not cancelled; a late result is dropped. A
 * ReadableStream output is read to its end within the same timeout (WF-19).
 */
export function runAttempt(
  host: EngineHost,
  exec: Execution,
  step: DoStepRecord,
  callback: (ctx: unknown) => unknown,
  ctx: unknown,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = exec.own(
      host.clock.after(timeoutMs, () => {
        timedOut = true;
        reject(new WorkflowTimeoutError(timeoutMs));
      }),
    );
    // The timer is cancelled as the attempt settles (no timer can fire between two microtasks), not in a
    // `.finally` a turn later: the same order of events, three promises fewer per attempt.
    Promise.resolve()
      .then(() => metered(host.limits, callback, ctx))
      .then(
        (value) => {
          if (isReadableStream(value)) {
            const rules = host.profile.streamOutputs;
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
function metered(limits: ProductionLimits, callback: (ctx: unknown) => unknown, ctx: unknown): unknown {
  const { stepCpuMs: limit, cpuMeter } = limits;
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
export async function overriddenAttempt(override: AttemptOverride): Promise<unknown> {
  if (override.kind === "result") return override.value;
  if (override.kind === "timeout") throw new WorkflowTimeoutError(0);
  const error = new Error(override.error.message);
  error.name = override.error.name;
  throw error;
}
