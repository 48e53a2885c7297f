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
}

/** A Workflow binding; `Params` types `create()`'s params. */
export interface Workflow<Params = unknown> {
  create(options?: WorkflowInstanceCreateOptions<Params>): Promise<WorkflowInstance>;
  createBatch(batch: WorkflowInstanceCreateOptions<Params>[]): Promise<WorkflowInstance[]>;
  get(id: string): Promise<WorkflowInstance>;
}
