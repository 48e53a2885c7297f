/**
 * What `instance.status()` returns (WF-78 / WF-79), in the profile's shape: production shows status, error and output
 * as stored; the local engine (wrangler dev) shows JSON copies and adds `__LOCAL_DEV_STEP_OUTPUTS`.
 */
import type { Profile } from "../profiles.ts";
import type { InstanceRecord } from "./instance-record.ts";
import type { InstanceStatusName } from "./status.ts";

export type StatusView = Record<string, unknown> & { status: InstanceStatusName };

export function statusView(record: InstanceRecord, profile: Profile): StatusView {
  if (profile.statusShape === "local") {
    const outputs = record.stepOrder
      .map((key) => record.steps.get(key)!)
      .filter((step) => step.kind === "do" && step.outcome?.ok)
      .map((step) => (step.kind === "do" && step.outcome?.ok ? step.outcome.value : undefined));
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
