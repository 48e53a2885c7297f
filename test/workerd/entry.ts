/**
 * The in-workerd project's main worker: the reference dispatcher, re-exported unchanged, plus `TenantsService`,
 * the `TENANTS` service (wrangler.jsonc binds it to this entrypoint). It serves the probe tenant
 * (fixtures/tenants/probe-tenant.js, imported as text) for any tenant id, like `probeTenant(id)` in
 * contract/tenant-registry.ts, which cannot run here (it reads the file with node:fs).
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import probeSource from "../../fixtures/tenants/probe-tenant.js?raw";

// Named, not `export *`: the plugin finds the main worker's entrypoints by a non-bundling esbuild pass, which does
// not see through star re-exports, and wrapWorkflowBinding needs DynamicWorkflowBinding on `cloudflare:workers`
// exports.
export { default, DynamicWorkflow, DynamicWorkflowBinding } from "../../fixtures/dispatcher/index.ts";

export const TENANT_ID = /^[a-z0-9-]+$/;

export class TenantsService extends WorkerEntrypoint {
  override async fetch(request: Request): Promise<Response> {
    const tenant = decodeURIComponent(new URL(request.url).pathname.slice(1));
    if (!TENANT_ID.test(tenant)) return new Response(`unknown tenant "${tenant}"`, { status: 404 });
    const codeVersion = "v1";
    return Response.json({
      codeVersion,
      compatibilityDate: "2026-01-01",
      mainModule: "index.js",
      modules: {
        "index.js": probeSource,
        "config.js": `export default ${JSON.stringify({ tenant, codeVersion })};`,
      },
    });
  }
}
