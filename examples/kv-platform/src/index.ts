/**
 * A multi-tenant Workflows platform whose tenants' code lives in Workers KV.
 *
 *   GET|POST /t/<tenant>/<rest>   → the tenant's worker, as /<rest> (its own API: start a workflow, read it, send it
 *                                   an event); the tenant is URL-decoded, so any id survives the path
 *   KV TENANT_CODE                → tenants/<id>/latest = "<version>", tenants/<id>/versions/<version> = bundle JSON
 *                                   { codeVersion, compatibilityDate, mainModule, modules } (written by the deploy)
 *
 * Each tenant gets its own isolate per code version (loader id = tenant + version) and `env.FLOWS`, the platform's
 * Workflow binding wrapped with `{ tenantId, codeVersion }`. When the engine wakes an instance, the entrypoint loads
 * the version named in that metadata (PIN_VERSIONS = "true"): a deploy never changes the code of a running workflow.
 */
import {
  createDynamicWorkflowEntrypoint,
  DynamicWorkflowBinding,
  wrapWorkflowBinding,
  type WorkflowRunner,
} from "@cloudflare/dynamic-workflows";

export { DynamicWorkflowBinding };

interface Env {
  WORKFLOWS: Workflow;
  LOADER: WorkerLoader;
  TENANT_CODE: KVNamespace;
  PIN_VERSIONS: string;
}

interface Bundle {
  codeVersion: string;
  compatibilityDate: string;
  mainModule: string;
  modules: Record<string, string>;
}

/** What an instance is tagged with at creation: whose code, and which version of it. */
interface Owner {
  tenantId: string;
  codeVersion: string;
}

class UnknownTenant extends Error {}

async function bundleOf(env: Env, tenantId: string, version?: string): Promise<Bundle> {
  const codeVersion = version ?? (await env.TENANT_CODE.get(`tenants/${tenantId}/latest`));
  if (!codeVersion) throw new UnknownTenant(`no code deployed for tenant ${JSON.stringify(tenantId)}`);
  const bundle = await env.TENANT_CODE.get<Bundle>(`tenants/${tenantId}/versions/${codeVersion}`, "json");
  if (!bundle) throw new UnknownTenant(`tenant ${JSON.stringify(tenantId)} has no version ${codeVersion}`);
  return bundle;
}

/** One isolate per tenant and version: the id is lossless (JSON), so "a:b" + "c" never meets "a" + "b:c". */
function load(env: Env, tenantId: string, bundle: Bundle) {
  const owner: Owner = { tenantId, codeVersion: bundle.codeVersion };
  return env.LOADER.get(JSON.stringify([tenantId, bundle.codeVersion]), async () => ({
    compatibilityDate: bundle.compatibilityDate,
    mainModule: bundle.mainModule,
    modules: bundle.modules,
    env: { FLOWS: wrapWorkflowBinding({ ...owner }) },
    globalOutbound: null,
  }));
}

export const TenantWorkflows = createDynamicWorkflowEntrypoint<Env>(async ({ env, metadata }) => {
  const { tenantId, codeVersion } = metadata as Partial<Owner>;
  if (typeof tenantId !== "string" || typeof codeVersion !== "string")
    throw new Error(`an instance without its owner: ${JSON.stringify(metadata)}`);
  const pinned = env.PIN_VERSIONS !== "false";
  const bundle = await bundleOf(env, tenantId, pinned ? codeVersion : undefined);
  return load(env, tenantId, bundle).getEntrypoint("TenantWorkflow") as unknown as WorkflowRunner;
});

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const match = /^\/t\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!match) return new Response("not found: tenants live under /t/<tenant>/", { status: 404 });
    const tenantId = decodeURIComponent(match[1]);
    url.pathname = match[2] ?? "/";
    let bundle: Bundle;
    try {
      bundle = await bundleOf(env, tenantId);
    } catch (error) {
      if (error instanceof UnknownTenant) return new Response(error.message, { status: 404 });
      throw error;
    }
    try {
      return await load(env, tenantId, bundle).getEntrypoint().fetch(new Request(url, request));
    } catch (error) {
      // The tenant's code did not load (a syntax error, a throw at top level): its fault, said as the runtime says it.
      return new Response(`tenant ${JSON.stringify(tenantId)} failed: ${String(error)}`, { status: 502 });
    }
  },
};
