/** Emulator options for the reference dispatcher, shared by suites, the CLI and benchmarks. */
import { fileURLToPath } from "node:url";
import type { EmulatorOptions } from "../emulator/index.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";

export const REFERENCE_DISPATCHER_PATH = fileURLToPath(new URL("../fixtures/dispatcher/index.ts", import.meta.url));

export function referenceEmulatorOptions(tenants: TenantRegistry, extra: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return {
    scriptPath: REFERENCE_DISPATCHER_PATH,
    modules: true,
    compatibilityDate: "2026-01-01",
    workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
    workerLoaders: { LOADER: {} },
    serviceBindings: { TENANTS: tenants.handle },
    log: false,
    ...extra,
  };
}
