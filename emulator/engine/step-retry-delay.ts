/**
 * The wait before a step's next attempt (WF-32 / WF-35), apart from the call that schedules it (step-do.ts): the
 * backoff over a fixed delay, or over what the step's delay function returns within its 5 seconds.
 */
import { retryDelayMs } from "../lib/backoff.ts";
import { NonRetryableDelayError } from "../lib/errors.ts";
import { assertRetryDelayResult } from "../lib/validators.ts";
import type { EngineHost } from "./engine-host.ts";
import { errorShape, toError } from "./error-shape.ts";
import type { Execution } from "./execution.ts";
import type { ErrorShape } from "./instance-record.ts";

const DELAY_FUNCTION_TIMEOUT_MS = 5_000; // WF-35

export interface RetryPolicy {
  delayMs: number | null;
  delayFn: ((arg: unknown) => unknown) | null;
  backoff: "constant" | "linear" | "exponential";
}

/** WF-32 / WF-35: the wait before the next attempt. A failing delay function ends the step. */
export async function retryDelay(
  host: EngineHost,
  exec: Execution,
  retries: RetryPolicy,
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
      host.clock.after(DELAY_FUNCTION_TIMEOUT_MS, () =>
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
