/**
 * WF-95: how long an instance that has ended is kept. While it is kept its id cannot be used again (WF-73); once the
 * retention runs out (on the emulator's clock, so virtual time expires it) the instance is gone: `get()` says not
 * found and `create()` may use the id again. Only production keeps to it; the local engine keeps every instance
 * forever and ignores `retention` (WF-70, §E.12).
 */
import { parseDuration } from "../lib/duration.ts";
import { WorkflowError } from "../lib/errors.ts";
import type { InstanceRecord, RetentionMs } from "./instance-record.ts";
import type { InstanceStatusName } from "./status.ts";

/** `create()`'s `retention` option, resolved against the default (the plan's maximum). Throws on a bad duration. */
export function resolveRetention(option: unknown, defaultMs: number): RetentionMs {
  if (option === undefined || option === null) return { successMs: defaultMs, errorMs: defaultMs };
  if (typeof option !== "object" || Array.isArray(option)) {
    throw new WorkflowError(
      `create() option "retention" must be an object like { successRetention?: "1 day", errorRetention?: 3600000 }, got ${JSON.stringify(option)}`,
    );
  }
  const { successRetention, errorRetention } = option as { successRetention?: unknown; errorRetention?: unknown };
  return {
    successMs: successRetention === undefined ? defaultMs : parseRetention(successRetention, "successRetention"),
    errorMs: errorRetention === undefined ? defaultMs : parseRetention(errorRetention, "errorRetention"),
  };
}

function parseRetention(value: unknown, field: string): number {
  try {
    return parseDuration(value, `retention.${field}`);
  } catch (error) {
    // A bad create() option is the caller's mistake (WorkflowError), not a failing instance (WorkflowFatalError).
    throw new WorkflowError((error as Error).message);
  }
}

/**
 * When a record that has just moved to `status` expires: a complete instance after its success retention; errored
 * and terminated ones after the error retention [INFERRED: the docs name only success and error]. Not terminal
 * (a restart): kept.
 */
export function expiryOf(record: InstanceRecord, status: InstanceStatusName, now: number): number | null {
  if (record.retention === null) return null;
  if (status === "complete") return now + record.retention.successMs;
  if (status === "errored" || status === "terminated") return now + record.retention.errorMs;
  return null;
}
