/**
 * Scenario durations on a real-time target: a scenario speaks of seconds to 30 days; local workerd can spend a few
 * hundred milliseconds on each. `timeScale` is how many real milliseconds one scenario second takes. Shorter
 * durations scale linearly; longer ones are compressed logarithmically so that 30 days take 30 scenario seconds'
 * worth: with 50, "500 ms" → 25 ms, "1 s" → 50 ms, "1 minute" → 128 ms, "1 hour" → 330 ms, "2 hours" → 385 ms,
 * "30 days" → 1.5 s. Order and coincidences of durations are kept (equal scenario durations map to equal real ones).
 * On a virtual-time target there is no scale: durations are used as they are.
 */
import { DEFAULT_EVENT_TIMEOUT_MS, probePlan, type PlanAction } from "../suites/properties/scenario.ts";

const SECOND = 1000;
const THIRTY_DAYS_MS = 30 * 86_400_000;
/** (30 days / 1 s) ** COMPRESSION = 30. */
const COMPRESSION = Math.log(30) / Math.log(THIRTY_DAYS_MS / SECOND);

/** A scenario duration as target milliseconds; `timeScale` undefined: unchanged. */
export function scaleDuration(ms: number, timeScale: number | undefined): number {
  if (timeScale === undefined) return ms;
  if (ms <= 0) return 0;
  if (ms <= SECOND) return Math.max(1, Math.round((timeScale * ms) / SECOND));
  return Math.round(timeScale * (ms / SECOND) ** COMPRESSION);
}

/** The probe plan of `plan` (suites/properties/scenario.ts `probePlan`) with every duration mapped. */
export function scaledProbePlan(plan: PlanAction[], timeScale: number | undefined, minEventTimeoutMs = 0): unknown[] {
  if (timeScale === undefined && minEventTimeoutMs === 0) return probePlan(plan);
  return (probePlan(plan) as Array<Record<string, any>>).map((action) => {
    if ("sleep" in action) return { ...action, duration: scaleDuration(action.duration, timeScale) };
    if ("wait" in action) {
      // No timeout (the engine's 24-hour default) stays none in virtual time; in real time it is the scaled default.
      if (action.timeout === undefined && timeScale === undefined) return action;
      const timeout = action.timeout ?? DEFAULT_EVENT_TIMEOUT_MS;
      return { ...action, timeout: Math.max(minEventTimeoutMs, scaleDuration(timeout, timeScale)) };
    }
    const retries = action.config.retries;
    return {
      ...action,
      config: { ...action.config, retries: { ...retries, delay: scaleDuration(retries.delay, timeScale) } },
    };
  });
}
