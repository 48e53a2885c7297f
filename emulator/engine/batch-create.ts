/**
 * WF-75, production: the object form of `createBatch`, `{count, params?, retention?, locationHint?}` (that many
 * instances with generated ids) or `{instances: [...]}` (each its own create options). It returns
 * `{created, errors}`: an entry that could not be created (its id is in use within retention, a bad id, params too
 * large) is an error at its input position and the others are still created. A malformed call (both forms, neither,
 * a count outside 1..100) throws and creates nothing. The local engine has only the array form (§E.2).
 *
 * [INFERRED] The per-entry error codes: the docs name the fields (`index`, `id?`, `code`, `message`) but not the
 * numbers; these follow the documented deleteBatch convention (1xxxx API codes). Tests assert messages, not codes.
 */
import { WorkflowError } from "../lib/errors.ts";

/** WF-75: at most 100 instances in one createBatch. */
export const MAX_BATCH = 100;

export interface BatchCreateError {
  index: number;
  id?: string;
  code: number;
  message: string;
}

export interface BatchCreateResult {
  created: string[];
  errors: BatchCreateError[];
}

export const BATCH_ERROR_CODES = { alreadyExists: 10409, invalid: 10422, internal: 10001 } as const;

/** The one create the object form repeats; throws as `create()` throws. */
export type CreateOne = (options: CreateOptions) => string;

/** One entry's create options (the engine's `CreateOptions`; declared here so the engine may import this file). */
export interface CreateOptions {
  id?: string;
  params?: unknown;
  /** WF-95: `{successRetention?, errorRetention?}`, kept to in production only. */
  retention?: unknown;
}

export function createBatchObject(create: CreateOne, options: Record<string, unknown>): BatchCreateResult {
  const entries = batchEntries(options);
  const result: BatchCreateResult = { created: [], errors: [] };
  entries.forEach((entry, index) => {
    try {
      result.created.push(create(entry));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.errors.push({
        index,
        ...(typeof entry.id === "string" ? { id: entry.id } : {}),
        code: /already_exists/.test(message) ? BATCH_ERROR_CODES.alreadyExists : BATCH_ERROR_CODES.invalid,
        message,
      });
    }
  });
  return result;
}

const FORMS = "createBatch({ count: 1..100, params? }) or createBatch({ instances: [{ id?, params? }, ...] })";

function batchEntries(options: Record<string, unknown>): CreateOptions[] {
  const { count, instances, ...shared } = options;
  if (count !== undefined && instances !== undefined) {
    throw new WorkflowError(`createBatch takes either "count" or "instances", not both: ${FORMS}`);
  }
  if (instances !== undefined) {
    if (!Array.isArray(instances) || instances.length === 0 || instances.length > MAX_BATCH) {
      throw new WorkflowError(`createBatch "instances" must be an array of 1 to ${MAX_BATCH} create options: ${FORMS}`);
    }
    if (Object.keys(shared).length > 0) {
      throw new WorkflowError(
        `createBatch with "instances" takes no shared ${Object.keys(shared).join(", ")}: put them on each instance (${FORMS})`,
      );
    }
    return instances.map((entry, index) => {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        throw new WorkflowError(`createBatch instances[${index}] must be an object like { id?, params? }`);
      }
      return entry as CreateOptions;
    });
  }
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_BATCH) {
    throw new WorkflowError(
      `createBatch "count" must be an integer from 1 to ${MAX_BATCH}, got ${JSON.stringify(count)}: ${FORMS}`,
    );
  }
  if ("id" in shared) throw new WorkflowError(`createBatch with "count" generates ids: pass no "id" (${FORMS})`);
  return Array.from({ length: count }, () => ({ ...shared }) as CreateOptions);
}
