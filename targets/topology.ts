/**
 * The bindings topology the harness gives a dispatcher, in one place for every local target: a Workflow binding
 * `WORKFLOWS` (class `DynamicWorkflow`), a Worker Loader `LOADER`, and the tenants' code behind the `TENANTS`
 * service binding. The emulator takes it as options; miniflare gets the same shape (its option names are the
 * emulator's: emulator/emulator.ts follows Miniflare's).
 */
import { fileURLToPath } from "node:url";
import type { EmulatorOptions } from "../emulator/index.ts";
import type { TenantRegistry } from "../contract/tenant-registry.ts";

/** The reference dispatcher: tested when the configuration names no other. */
export const REFERENCE_DISPATCHER_PATH = fileURLToPath(new URL("../fixtures/dispatcher/index.ts", import.meta.url));

export const DEFAULT_COMPATIBILITY_DATE = "2026-01-01";

/** The Workflow binding and the Worker Loader the dispatcher is given. */
export const DISPATCHER_BINDINGS = {
  workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
  workerLoaders: { LOADER: {} },
} as const;

/** Emulator options for a dispatcher with the harness's topology. */
export function emulatorTopology(tenants: TenantRegistry, extra: Partial<EmulatorOptions> = {}): EmulatorOptions {
  return {
    scriptPath: REFERENCE_DISPATCHER_PATH,
    modules: true,
    compatibilityDate: DEFAULT_COMPATIBILITY_DATE,
    workflows: { ...DISPATCHER_BINDINGS.workflows },
    workerLoaders: { ...DISPATCHER_BINDINGS.workerLoaders },
    serviceBindings: { TENANTS: tenants.handle },
    log: false,
    ...extra,
  };
}

/**
 * Miniflare options for a bundled dispatcher with the same topology. The TENANTS handler answers with miniflare's
 * own Response class (it has its own fetch classes), hence the copy.
 */
export function miniflareTopology(
  script: string,
  tenants: TenantRegistry,
  compatibilityDate: string,
  compatibilityFlags: readonly string[] = [],
) {
  return {
    modules: [{ type: "ESModule" as const, path: "dispatcher.js", contents: script }],
    compatibilityDate,
    compatibilityFlags: [...compatibilityFlags],
    // The workflow engine reads its own flags (workflows_preserve_non_retryable_error_message): wrangler dev passes
    // the worker's compatibility flags to each workflow, so the harness does the same.
    workflows: {
      WORKFLOWS: { ...DISPATCHER_BINDINGS.workflows.WORKFLOWS, compatibilityFlags: [...compatibilityFlags] },
    },
    workerLoaders: { ...DISPATCHER_BINDINGS.workerLoaders },
    serviceBindings: {
      TENANTS: async (request: { url: string }) => {
        const response = tenants.handle(new Request(request.url));
        return new Response(await response.text(), {
          status: response.status,
          headers: { "content-type": "application/json" },
        }) as never;
      },
    },
  };
}
