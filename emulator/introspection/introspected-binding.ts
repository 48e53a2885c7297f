/**
 * The Workflow binding a test passes to `introspectWorkflowInstance` / `introspectWorkflow`, resolved to the emulator
 * and engine behind it. Only host-side bindings from `Emulator.getBindings()` qualify; anything else is a clear error.
 */
import type { Emulator } from "../emulator.ts";
import { bindingOwner } from "../emulator-internals.ts";
import type { WorkflowEngine } from "../engine/workflow-engine.ts";
import { describeValue } from "../lib/describe-value.ts";
import { EmulatorUsageError } from "../lib/errors.ts";

export interface IntrospectedBinding {
  readonly emulator: Emulator;
  readonly engine: WorkflowEngine;
  /** The binding's name in the emulator's `workflows` option. */
  readonly name: string;
}

export function introspectedBinding(binding: unknown, functionName: string): IntrospectedBinding {
  const owner = bindingOwner(binding);
  if (!owner) {
    throw new EmulatorUsageError(
      `[WorkflowIntrospector] ${functionName}() needs a Workflow binding from the emulator, e.g. (await emulator.getBindings()).WORKFLOWS; got ${describeValue(binding)}. (Inside worker code, or from another emulator, a binding cannot be introspected.)`,
    );
  }
  return { emulator: owner.emulator as Emulator, engine: owner.engine, name: owner.name };
}
