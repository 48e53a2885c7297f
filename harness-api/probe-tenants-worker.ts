/**
 * The tenant-serving worker of a harness deployment (`dynamic-workflows-conformance/probe-tenants-worker`; wrangler
 * config template: templates/probe-tenants.wrangler.jsonc). The `TENANTS` service for a deployed dispatcher: serves
 * the probe tenant (fixtures/tenants/probe-tenant.js) for any tenant id but the harness's deliberately unknown ones (`no-such/…`), in the shape the reference dispatcher
 * expects:
 *
 *   GET https://tenants/<tenantId> → { codeVersion, compatibilityDate, mainModule, modules }
 *
 * Deploy it first, then the dispatcher, whose `TENANTS` service binding names it (docs/remote.md). It is the
 * deployed counterpart of `TenantRegistry.probes(...)` (contract/tenant-registry.ts): same modules, same config
 * module; `codeVersion` comes from the CODE_VERSION var, the class alias from WORKFLOW_CLASS.
 *
 * The probe's source is imported as a string: the wrangler config has a `rules` entry that makes
 * `probe-tenant.js` a Text module, so wrangler bundles its text instead of its code.
 */
// @ts-expect-error -- a Text module under wrangler's `rules` (tenants.wrangler.jsonc): the default export is the source.
import PROBE_SOURCE from "../fixtures/tenants/probe-tenant.js";

interface Env {
  /** The code version the probes report (`codeVersion` in every marker). Default "v1". */
  CODE_VERSION?: string;
  /** The class your dispatcher loads from tenant code (adapter.workflowClass), when not `TenantWorkflow`. */
  WORKFLOW_CLASS?: string;
}

const COMPATIBILITY_DATE = "2026-01-01";

function probeTenantCode(tenant: string, codeVersion: string, workflowClass = "TenantWorkflow") {
  // The probe exports TenantWorkflow; a dispatcher that loads another class name gets it under that name too.
  const alias = workflowClass === "TenantWorkflow" ? "" : `\nexport const ${workflowClass} = TenantWorkflow;\n`;
  return {
    codeVersion,
    compatibilityDate: COMPATIBILITY_DATE,
    mainModule: "index.js",
    modules: {
      "index.js": `${PROBE_SOURCE as string}${alias}`,
      "config.js": `export default ${JSON.stringify({ tenant, codeVersion })};`,
    },
  };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "GET") return new Response("method not allowed", { status: 405 });
    let tenant: string;
    try {
      tenant = decodeURIComponent(new URL(request.url).pathname.slice(1));
    } catch {
      return new Response("bad tenant id", { status: 400 });
    }
    // "no-such/…" is the harness's deliberately unknown tenant (bad-input/tenant-unknown); every other id, including
    // the routing suite's adversarial ones with "/", ":" or "%" (suites/tenant-ids.ts), gets the probe.
    if (tenant === "" || tenant.startsWith("no-such/"))
      return new Response(`unknown tenant "${tenant}"`, { status: 404 });
    return Response.json(probeTenantCode(tenant, env.CODE_VERSION || "v1", env.WORKFLOW_CLASS || undefined));
  },
};
