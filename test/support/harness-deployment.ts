/**
 * A stand-in for a Cloudflare deployment on loopback: a user's dispatcher wrapped with the package's
 * `withHarnessApi` (an entry file written the way docs/remote.md tells a user to write it), served by miniflare on
 * 127.0.0.1 with a random port. Its `TENANTS` is a Node function serving the probe tenant for any tenant id (what
 * the probe tenants worker does in a deployment) and counts the code loads, so a test can tell whether anything
 * reached tenant code.
 *
 * The same worker also answers under `/slow/`: every harness tenant route there is delayed by `slowMs` (a
 * deployment slower than a budget); `GET /slow-created` lists the ids of the instances created through it, so a
 * test can check none is left live.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { TenantRegistry } from "../../contract/tenant-registry.ts";
import { bundleForWorkerd } from "../../targets/bundle-for-workerd.ts";
import { ROOT } from "./run-cli.ts";

export interface HarnessDeployment {
  /** The wrapped dispatcher's base URL (`http://127.0.0.1:<port>/`). */
  url: string;
  /** The same deployment, every harness tenant route `slowMs` slower. */
  slowUrl: string;
  /** How many times the dispatcher loaded tenant code through TENANTS. */
  tenantLoads(): number;
  dispose(): Promise<void>;
}

/** The user's entry: their dispatcher (here the reference one), wrapped; the secret in a binding of their choosing. */
function entrySource(secretBinding: string, slowMs: number): string {
  const harnessApi = JSON.stringify(join(ROOT, "harness-api/index.ts"));
  const dispatcher = JSON.stringify(join(ROOT, "fixtures/dispatcher/index.ts"));
  return `import { withHarnessApi } from ${harnessApi};
import dispatcher from ${dispatcher};
export * from ${dispatcher};

const wrapped = withHarnessApi(dispatcher, { secretBinding: ${JSON.stringify(secretBinding)} });
const slowCreated = [];

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/slow-created") return Response.json(slowCreated);
    if (!url.pathname.startsWith("/slow/")) return wrapped.fetch(request, env, ctx);
    url.pathname = url.pathname.slice("/slow".length);
    if (url.pathname.startsWith("/__harness/tenants/")) await new Promise((resolve) => setTimeout(resolve, ${slowMs}));
    const response = await wrapped.fetch(new Request(url, request), env, ctx);
    // A create (single or batch): remember what it made, so a test can check nothing is left live.
    if (request.method === "POST" && /^\\/__harness\\/tenants\\/[^/]+\\/workflows(\\/batch)?$/.test(url.pathname) && response.ok) {
      const body = await response.clone().json();
      const tenant = decodeURIComponent(url.pathname.split("/")[3]);
      for (const id of body.ids ?? [body.id]) slowCreated.push({ tenant, id });
    }
    return response;
  },
};
`;
}

export async function startHarnessDeployment(options: {
  secret: string;
  secretBinding?: string;
  slowMs?: number;
}): Promise<HarnessDeployment> {
  const secretBinding = options.secretBinding ?? "HARNESS_TOKEN";
  const dir = await mkdtemp(join(tmpdir(), "dwc-harness-deployment-"));
  const entry = join(dir, "harness.ts");
  await writeFile(entry, entrySource(secretBinding, options.slowMs ?? 1500));
  const script = await bundleForWorkerd(entry);
  let loads = 0;
  // Any tenant id gets the probe, as the probe tenants worker serves it; "no-such/…" stays unknown.
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: [{ type: "ESModule", path: "dispatcher.js", contents: script }],
    compatibilityDate: "2026-01-01",
    bindings: { [secretBinding]: options.secret },
    workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
    workerLoaders: { LOADER: {} },
    serviceBindings: {
      TENANTS: async (request: { url: string }) => {
        loads++;
        const tenant = decodeURIComponent(new URL(request.url).pathname.slice(1));
        const response = TenantRegistry.probes([tenant]).handle(new Request(request.url));
        return new Response(await response.text(), {
          status: response.status,
          headers: { "content-type": "application/json" },
        }) as never;
      },
    },
  });
  const url = (await mf.ready).toString();
  return {
    url,
    slowUrl: new URL("/slow/", url).toString(),
    tenantLoads: () => loads,
    async dispose() {
      await mf.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
