/**
 * WF-77: `instance.delete()` and `deleteBatch(ids)`. Deleting forgets the instance and all its state and stops its
 * execution without running rollbacks. Ids are checked with the looser addressable pattern (cron-generated ids are
 * accepted), and any invalid id fails the whole batch before anything is deleted. Texts and codes follow the local
 * engine (WS/binding.ts `deleteBatch`); production's docs give the same per-instance codes.
 */
import { WorkflowError } from "../lib/errors.ts";

const ADDRESSABLE_ID = /^[a-zA-Z0-9, */#_-]+$/;
const MAX_ADDRESSABLE_ID_LENGTH = 271;
const MAX_BATCH_DELETE = 100;

/** WF-77: the per-instance results, one entry per input position (a duplicate id is deleted once). */
export interface BatchDeleteResult {
  deleted: { id: string }[];
  errors: { id: string; code: number; message: string }[];
}

export const DELETE_NOT_FOUND = { code: 10400, message: "workflows.api.error.instance.not_found" } as const;
export const DELETE_INTERNAL = { code: 10001, message: "workflows.api.error.internal_server" } as const;

/** What deleting needs from the engine. */
export interface InstanceDeleter {
  /** True if an instance with this id exists (within its retention). */
  has(id: string): boolean;
  /** Forgets the instance (it exists). */
  forget(id: string): void;
}

export function isAddressableId(id: unknown): id is string {
  return typeof id === "string" && id.length > 0 && id.length <= MAX_ADDRESSABLE_ID_LENGTH && ADDRESSABLE_ID.test(id);
}

export function assertAddressableId(id: unknown): string {
  if (!isAddressableId(id)) throw new WorkflowError("(instance.invalid_id) Instance ID is invalid");
  return id;
}

export function deleteBatch(deleter: InstanceDeleter, ids: unknown): BatchDeleteResult {
  if (!Array.isArray(ids)) {
    throw new WorkflowError("(body) Provided argument is invalid: deleteBatch takes an array of instance ids");
  }
  if (ids.length > MAX_BATCH_DELETE) {
    throw new WorkflowError(`(body) batchDeleteInstances only supports ${MAX_BATCH_DELETE} instances at a time`);
  }
  if (ids.length === 0) throw new WorkflowError("(body) batchDeleteInstances should have at least 1 instance");
  for (const id of ids) assertAddressableId(id);
  const outcome = new Map<string, boolean>();
  for (const id of new Set(ids as string[])) {
    const found = deleter.has(id);
    if (found) deleter.forget(id);
    outcome.set(id, found);
  }
  const result: BatchDeleteResult = { deleted: [], errors: [] };
  for (const id of ids as string[]) {
    if (outcome.get(id)) result.deleted.push({ id });
    else result.errors.push({ id, ...DELETE_NOT_FOUND });
  }
  return result;
}
