/**
 * White-box access for the emulator's own tests (test/emulator/): the engines, loaders and fault plan behind an
 * Emulator, and the compile caches. Not part of the emulator's API (index.ts): harnesses and suites observe an
 * emulator through its public surface, e.g. `Emulator.instances()`, so the internals can change without breaking them.
 */
import type { Emulator } from "./emulator.ts";
import { internalsOf } from "./emulator-internals.ts";
import type { WorkflowEngine } from "./engine/workflow-engine.ts";
import type { FaultPlan } from "./faults.ts";
import { EmulatorUsageError } from "./lib/errors.ts";
import type { WorkerLoader } from "./loader/worker-loader.ts";

export { clearCompileCaches } from "./loader/module-compiler.ts";
/** How many realms (vm contexts, one per isolate) this process has made, and the wall time making them took. */
export { realmCreation } from "./runtime/realm.ts";

/** The engine behind a Workflow binding. */
export function engineOf(emulator: Emulator, binding: string): WorkflowEngine {
  const engine = internalsOf(emulator).engines.get(binding);
  if (!engine) throw new EmulatorUsageError(`No Workflow binding named "${binding}"`);
  return engine;
}

/** The Worker Loader behind a loader binding. */
export function loaderOf(emulator: Emulator, binding: string): WorkerLoader {
  const loader = internalsOf(emulator).loaders.get(binding);
  if (!loader) throw new EmulatorUsageError(`No Worker Loader binding named "${binding}"`);
  return loader;
}

/** The emulator's fault plan: armed crashes, injected loader failures. */
export function faultsOf(emulator: Emulator): FaultPlan {
  return internalsOf(emulator).faults;
}

/** Deliberate engine bugs for the oracle's mutation test (emulator/mutations.ts). */
export { MUTATIONS, type Mutation, setMutation } from "./mutations.ts";
