/**
 * Public surface of the emulator's introspection (package export `./introspection`): `cloudflare:test`'s Workflow
 * helpers for a user's own vitest tests on the emulator, with the same names, arguments and meaning as the vitest
 * plugin's, plus crash, evict and time on the same handles. See docs/emulator.md "Introspection".
 *
 *   await using instance = await introspectWorkflowInstance(env.WORKFLOWS, "order-1");
 *   await instance.modify(async (m) => { await m.disableSleeps(); });
 *   await env.WORKFLOWS.create({ id: "order-1" });
 *   await instance.waitForStatus("complete");
 */
import { BindingInterceptor } from "./binding-interceptor.ts";
import { WorkflowInstanceIntrospector } from "./instance-introspector.ts";
import { introspectedBinding } from "./introspected-binding.ts";
import { WorkflowIntrospector } from "./workflow-introspector.ts";
import { EmulatorUsageError } from "../lib/errors.ts";
import type { Workflow } from "../workflow-types.ts";

export type { WorkflowInstanceIntrospector } from "./instance-introspector.ts";
export type { WorkflowIntrospector } from "./workflow-introspector.ts";
export type { WorkflowInstanceModifier } from "./modifier.ts";
export type { StepSelector } from "./step-selector.ts";
export type { InstanceStatus, Workflow, WorkflowInstance, WorkflowInstanceCreateOptions } from "../workflow-types.ts";
export type { InstanceStatusName } from "../engine/status.ts";

/** An introspector for one instance, created already or not yet (`binding` from `emulator.getBindings()`). */
export async function introspectWorkflowInstance(
  binding: Workflow,
  instanceId: string,
): Promise<WorkflowInstanceIntrospector> {
  const owner = introspectedBinding(binding, "introspectWorkflowInstance");
  if (typeof instanceId !== "string" || instanceId === "") {
    throw new EmulatorUsageError("[WorkflowIntrospector] Workflow binding and instance id are required.");
  }
  return new WorkflowInstanceIntrospector(owner, BindingInterceptor.of(owner.engine), instanceId);
}

/** An introspector for every instance of `binding` created from now on. */
export async function introspectWorkflow(binding: Workflow): Promise<WorkflowIntrospector> {
  return new WorkflowIntrospector(introspectedBinding(binding, "introspectWorkflow"));
}
