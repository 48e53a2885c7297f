/**
 * How long a step waits before retrying (WF-32). The same formula applies whether the base delay came from the
 * config or from a delay function (WF-35): the local engine applies the backoff to the function's result too.
 */
import { mutated } from "../mutations.ts";
import { EmulatorUsageError } from "./errors.ts";

export type Backoff = "constant" | "linear" | "exponential";

/**
 * The wait after the `failedAttempt`-th failed attempt (1-based), with base delay `baseMs`:
 * constant → d, linear → d·n, exponential → d·2^(n−1). With the default exponential backoff and a 1 s base that is
 * 1, 2, 4, 8, 16 s.
 *
 * Very large attempt numbers (the limit allows 10,000 retries, WF-31) make the exponential wait overflow to Infinity;
 * that is what the formula says, so the caller decides how to wait "forever".
 */
export function retryDelayMs(baseMs: number, backoff: Backoff, failedAttempt: number): number {
  // Wrong arguments here are engine bugs, not user mistakes, so they are reported as such.
  if (!Number.isFinite(baseMs) || baseMs < 0) {
    throw new EmulatorUsageError(`retryDelayMs: base delay must be a finite number >= 0, got ${baseMs}`);
  }
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new EmulatorUsageError(`retryDelayMs: failed attempt is 1-based, got ${failedAttempt}`);
  }
  switch (backoff) {
    case "constant":
      return baseMs;
    case "linear":
      return baseMs * failedAttempt;
    case "exponential":
      if (mutated("linearBackoff")) return baseMs * failedAttempt;
      return baseMs * 2 ** (failedAttempt - (mutated("exponentialOffByOne") ? 0 : 1));
    default:
      throw new EmulatorUsageError(`retryDelayMs: unknown backoff ${JSON.stringify(backoff satisfies never)}`);
  }
}
