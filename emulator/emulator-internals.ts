/**
 * The parts of an Emulator that only the emulator's own white-box tests may reach (see testing.ts). Each Emulator
 * registers them here when it is built; keeping them in a module-level WeakMap rather than public members keeps them
 * out of the Emulator's API, and the entry goes away with the emulator.
 */
import type { WorkflowEngine } from "./engine/workflow-engine.ts";
import type { FaultPlan } from "./faults.ts";
import type { WorkerLoader } from "./loader/worker-loader.ts";

export interface EmulatorInternals {
  /** The engine behind each Workflow binding, by binding name. */
  readonly engines: ReadonlyMap<string, WorkflowEngine>;
  /** The Worker Loader behind each loader binding, by binding name. */
  readonly loaders: ReadonlyMap<string, WorkerLoader>;
  /** Armed crashes and injected loader failures. */
  readonly faults: FaultPlan;
}

// Keyed by `object`, not `Emulator`: this module must not import emulator.ts, which imports it.
const registry = new WeakMap<object, EmulatorInternals>();

export function registerInternals(emulator: object, internals: EmulatorInternals): void {
  registry.set(emulator, internals);
}

export function internalsOf(emulator: object): EmulatorInternals {
  const internals = registry.get(emulator);
  if (!internals) throw new TypeError("Not an Emulator (or one still being constructed).");
  return internals;
}

/** Whose Workflow binding this is: what `introspectWorkflowInstance(binding, id)` needs to find the engine. */
export interface BindingOwner {
  /** The Emulator (typed `object` for the same reason as the registry's key). */
  readonly emulator: object;
  readonly engine: WorkflowEngine;
  /** The binding's name in the emulator's options (`workflows: { NAME: … }`). */
  readonly name: string;
}

const bindings = new WeakMap<object, BindingOwner>();

export function registerBinding(binding: object, owner: BindingOwner): void {
  bindings.set(binding, owner);
}

/** The owner of a host-side Workflow binding from `Emulator.getBindings()`, or undefined for anything else. */
export function bindingOwner(binding: unknown): BindingOwner | undefined {
  return typeof binding === "object" && binding !== null ? bindings.get(binding) : undefined;
}
