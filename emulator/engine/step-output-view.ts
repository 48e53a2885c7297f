/**
 * How a committed `step.do` output is SHOWN outside the workflow (the local engine's `status()` step outputs, the
 * introspection helpers), as opposed to what the workflow itself receives. WF-21: a step with
 * `sensitive: "output"` shows `"[REDACTED]"`, while the workflow still gets the real value. WF-19: a stream output
 * shows the local engine's preview of its bytes. Errors are never redacted.
 */
import type { DoStepRecord } from "./instance-record.ts";
import { streamPreview } from "./stream-output.ts";

/** The local engine's placeholder (workflows-shared `REDACTED_STEP_OUTPUT`). */
export const REDACTED_STEP_OUTPUT = "[REDACTED]";

export function isSensitive(step: DoStepRecord): boolean {
  // WF-36: the persisted config (the first attempt's) decides, as it does for retries.
  return step.config?.sensitive === "output";
}

/**
 * The output as the local engine's step log holds it: "[REDACTED]" for a sensitive step, a preview for a stream,
 * else the value (the caller makes its JSON copy). Undefined for a step without a committed output.
 */
export function shownStepOutput(step: DoStepRecord): { value: unknown } | undefined {
  if (!step.outcome?.ok) return undefined;
  if (isSensitive(step)) return { value: REDACTED_STEP_OUTPUT };
  if (step.outcome.stream) return { value: streamPreview(step.outcome.stream) };
  return { value: step.outcome.value };
}
