/**
 * The Workflow binding as a test holds it (`(await emulator.getBindings<Env>()).WORKFLOWS`), typed like the Workers
 * runtime's `Workflow` / `WorkflowInstance` / `InstanceStatus` (@cloudflare/workers-types), so a test body written
 * against these types also compiles against the real ones. Declared here because the emulator runs in Node, where
 * the Workers types are not loaded.
 */
import type { InstanceStatusName } from "./engine/status.ts";

/** What `instance.status()` returns. The local profile adds `__LOCAL_DEV_STEP_OUTPUTS`, as wrangler dev does. */
export interface InstanceStatus {
  status: InstanceStatusName;
  error?: { name: string; message: string };
  output?: unknown;
}

export interface WorkflowInstanceCreateOptions<Params = unknown> {
  id?: string;
  params?: Params;
  /** WF-95: kept to in the production profile; the local engine ignores it. */
  retention?: { successRetention?: number | string; errorRetention?: number | string };
}

/** WF-75: `createBatch`'s object form (production): by count, or one options object per instance. */
export type WorkflowBatchCreateOptions<Params = unknown> =
  | { count: number; params?: Params; retention?: WorkflowInstanceCreateOptions["retention"] }
  | { instances: WorkflowInstanceCreateOptions<Params>[] };

export interface WorkflowBatchCreateResult {
  created: WorkflowInstance[];
  errors: { index: number; id?: string; code: number; message: string }[];
}

/** WF-77: one entry per input position. */
export interface WorkflowBatchDeleteResult {
  deleted: { id: string }[];
  errors: { id: string; code: number; message: string }[];
}

/** WF-84: an event of an instance's log, as `subscribe()` delivers it. */
export interface WorkflowInstanceEvent {
  instanceId: string;
  eventId: number;
  timestamp: number;
  type: string;
  [field: string]: unknown;
}

export interface WorkflowInstanceSubscription {
  next(): Promise<IteratorResult<WorkflowInstanceEvent, void>>;
  [Symbol.dispose](): void;
}

export interface WorkflowInstance {
  readonly id: string;
  status(): Promise<InstanceStatus>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** `{ rollback: true }` runs the registered rollback handlers first (WF-43, WF-82). */
  terminate(options?: { rollback?: boolean }): Promise<void>;
  restart(options?: { from?: { name: string; count?: number; type?: "do" | "sleep" | "waitForEvent" } }): Promise<void>;
  sendEvent(event: { type: string; payload?: unknown }): Promise<void>;
  /** WF-77: deletes the instance and its state; no rollbacks run. */
  delete(): Promise<void>;
  /** WF-84, production profile only (the local engine throws). */
  subscribe(options?: { cursor?: number; filter?: string[] }): Promise<WorkflowInstanceSubscription>;
}

/** A Workflow binding; `Params` types `create()`'s params. */
export interface Workflow<Params = unknown> {
  create(options?: WorkflowInstanceCreateOptions<Params>): Promise<WorkflowInstance>;
  /** WF-75: the array form (deprecated in production, the only one locally). */
  createBatch(batch: WorkflowInstanceCreateOptions<Params>[]): Promise<WorkflowInstance[]>;
  /** WF-75: the object form, production profile only. */
  createBatch(options: WorkflowBatchCreateOptions<Params>): Promise<WorkflowBatchCreateResult>;
  deleteBatch(ids: string[]): Promise<WorkflowBatchDeleteResult>;
  get(id: string): Promise<WorkflowInstance>;
}
