/**
 * What the engine stores durably: a private host-realm copy of a value (params, event payloads, step and workflow
 * outputs), checked against the 1 MiB limits in production. Worker code never holds a reference to a stored value.
 */
import { serialize } from "node:v8";
import { DataCloneError, WorkflowInternalError } from "../lib/errors.ts";
import { structuredSizeAtMost } from "../lib/structured-size.ts";
import { Realm } from "../runtime/realm.ts";
import { transfer } from "../runtime/transfer.ts";

const MIB = 1024 * 1024;

/**
 * How a value's size is measured against the 1 MiB limits: params and event payloads travel as JSON in
 * production (so their JSON byte length counts); step and workflow outputs are stored structured-cloned.
 */
export type SizeMeasure = "json" | "structured" | "none";

/**
 * Durable copy of a value; DataCloneError if it cannot be stored, a size error over 1 MiB when `enforceLimits`.
 * `fresh`: the value is already a private host copy of plain data (the binding's JSON encoding just made it), so
 * only its size is checked.
 */
export function toStorage(
  value: unknown,
  what: string,
  sizeBy: SizeMeasure,
  enforceLimits: boolean,
  fresh = false,
): unknown {
  let stored: unknown;
  try {
    stored = fresh ? value : transfer(value, Realm.host(), Realm.host(), "clone");
  } catch (error) {
    if (error instanceof DataCloneError) throw new DataCloneError(`${what} could not be serialized: ${error.message}`);
    throw error;
  }
  if (enforceLimits && value !== undefined && sizeBy !== "none") {
    const size = measure(stored, sizeBy);
    if (size > MIB)
      throw new WorkflowInternalError(`${what} is too large: ${size} bytes. Maximum allowed size is 1MiB.`);
  }
  return stored;
}

function measure(value: unknown, sizeBy: "json" | "structured"): number {
  // Only compared with 1 MiB: a value the cheap bound shows to be below it needs no serialisation.
  if (sizeBy === "structured") return structuredSizeAtMost(value, MIB) ? 0 : serialize(value).byteLength;
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? "");
  } catch {
    return serialize(value).byteLength; // not JSON-representable (a BigInt, a cycle): fall back to the clone size
  }
}
