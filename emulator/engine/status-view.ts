/**
 * What `instance.status()` returns (WF-78 / WF-79), in the profile's shape: production shows status, error and output
 * as stored, and `rollback: {outcome, error?}` once a rollback chain has ended (WF-43); the local engine (wrangler dev)
 * shows JSON copies and adds `__LOCAL_DEV_STEP_OUTPUTS`, and no `rollback` (workflows-shared binding.ts `status()`).
 */
import type { Profile } from "../profiles.ts";
import type { InstanceRecord } from "./instance-record.ts";
import { shownStepOutput } from "./step-output-view.ts";
import type { InstanceStatusName } from "./status.ts";

export type StatusView = Record<string, unknown> & { status: InstanceStatusName };

export function statusView(record: InstanceRecord, profile: Profile): StatusView {
  if (profile.statusShape === "local") {
    // WF-21 / WF-19: a sensitive step shows "[REDACTED]", a stream output a preview of its bytes.
    const outputs = record.stepOrder
      .map((key) => record.steps.get(key)!)
      .flatMap((step) => (step.kind === "do" ? (shownStepOutput(step) ?? []) : []))
      .map((shown) => shown.value);
    return {
      status: record.status,
      error: record.error ?? undefined,
      output: jsonRoundTrip(record.output?.value ?? null),
      __LOCAL_DEV_STEP_OUTPUTS: outputs.map(jsonRoundTrip),
    };
  }
  const view: StatusView = { status: record.status };
  if (record.error) view.error = { ...record.error };
  if (record.output) view.output = record.output.value;
  // WF-78: production's `rollback` field, once a chain has ended (the local engine's status has none).
  if (record.rollbackResult) view.rollback = structuredClone(record.rollbackResult);
  return view;
}

/** A JSON copy (the local engine's status is JSON); byte views become `[Type(n bytes)]`, undefined becomes null. */
function jsonRoundTrip(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, v) =>
      ArrayBuffer.isView(v) ? `[${v.constructor.name}(${v.byteLength} bytes)]` : v,
    ) ?? "null",
  );
}
