/**
 * `withHarnessApi(dispatcher, options)`: your dispatcher's fetch handler, plus the harness control API under
 * `/__harness/` that `dwc run --target remote` and `dwc compare --target remote` drive a deployment through
 * (docs/remote.md). Everything outside `/__harness/` reaches your dispatcher unchanged.
 *
 *   // src/harness.ts — the entry of the deployment the harness tests (wrangler "main")
 *   import { withHarnessApi } from "dynamic-workflows-conformance/harness-api";
 *   import dispatcher from "./my-dispatcher";
 *   export * from "./my-dispatcher"; // the Workflow entrypoint class and DynamicWorkflowBinding
 *   export default withHarnessApi(dispatcher);
 *
 * Control routes, JSON in and out, each turned into a request *from* the tenant (`tenant` option) to your
 * dispatcher, i.e. through the tenant's code and its wrapped Workflow binding — the path real tenants take:
 *
 *   GET  /__harness/ping                                            → { ok: true, api: 1 } (checks the secret)
 *   POST /__harness/tenants/<tenant>/workflows                      {id?, params} → {id}
 *   POST /__harness/tenants/<tenant>/workflows/batch                {instances}   → {ids}
 *   GET  /__harness/tenants/<tenant>/workflows/<id>                 → the instance status
 *   POST /__harness/tenants/<tenant>/workflows/<id>/events          {type, payload}
 *   POST /__harness/tenants/<tenant>/workflows/<id>/<pause|resume|terminate|restart>
 *
 * Every route needs `authorization: Bearer <secret>` (authorize.ts); the header is removed before the request
 * reaches your dispatcher, so tenant code never sees the secret. Worker code: web-standard APIs only.
 */
import { authorize, jsonError } from "./authorize.ts";
import { addressTenant, DEFAULT_TENANT_ROUTE, type TenantRoute } from "./tenant-route.ts";

/** The version of the control API `GET /__harness/ping` reports; the remote target checks it. */
export const HARNESS_API_VERSION = 1;
export const HARNESS_PREFIX = "/__harness";

// biome-ignore lint/suspicious/noExplicitAny: a Worker's env and ctx are whatever the user's dispatcher declares
type FetchHandler = (request: Request, env: any, ctx: any) => Response | Promise<Response>;

export interface HarnessApiOptions {
  /** The env binding that holds the shared secret (a Worker *secret*, never a var). Default `HARNESS_TOKEN`. */
  secretBinding?: string;
  /**
   * How your dispatcher is told which tenant a request comes from: `{ header }` (default `{ header: "x-tenant-id" }`),
   * `{ path: "/t/:tenant" }`, `{ host: ":tenant.example.com" }`, or `(tenant, request) => Request`. The same
   * shapes as `adapter.tenant` in dwc.config.json.
   */
  tenant?: TenantRoute;
}

/** Your dispatcher (an object with `fetch`, as its default export) with the harness control API in front of it. */
export function withHarnessApi<H extends { fetch?: FetchHandler }>(
  dispatcher: H,
  options: HarnessApiOptions = {},
): H & { fetch: FetchHandler } {
  if (typeof dispatcher?.fetch !== "function") {
    throw new TypeError(
      "withHarnessApi(dispatcher): the dispatcher has no fetch handler — pass your worker's default export ({ fetch(request, env, ctx) { … } })",
    );
  }
  const inner = dispatcher.fetch.bind(dispatcher);
  const secretBinding = options.secretBinding ?? "HARNESS_TOKEN";
  const route = options.tenant ?? DEFAULT_TENANT_ROUTE;

  async function harness(request: Request, env: Record<string, unknown>, ctx: unknown): Promise<Response> {
    const denied = await authorize(request, env?.[secretBinding], secretBinding);
    if (denied) return denied;
    const url = new URL(request.url);
    // ["__harness", "tenants", <tenant>, "workflows", ...]
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts.length === 2 && parts[1] === "ping" && request.method === "GET")
      return Response.json({ ok: true, api: HARNESS_API_VERSION });
    if (parts[1] !== "tenants" || parts.length < 4 || parts[3] !== "workflows") {
      return jsonError(
        404,
        "NotFound",
        `no harness route ${request.method} ${url.pathname}: use /__harness/tenants/<tenant>/workflows[/<id>[/events|/pause|/resume|/terminate|/restart]]`,
      );
    }
    let tenant: string;
    try {
      tenant = decodeURIComponent(parts[2]);
    } catch {
      return jsonError(400, "BadRequest", `the tenant id "${parts[2]}" is not valid percent-encoding`);
    }
    if (tenant === "") return jsonError(400, "BadRequest", "empty tenant id");

    const headers = new Headers(request.headers);
    headers.delete("authorization");
    let forwarded: Request;
    try {
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      const plain = new Request(new URL(`/${parts.slice(3).join("/")}${url.search}`, url), {
        method: request.method,
        headers,
        body: hasBody ? await request.arrayBuffer() : undefined,
      });
      forwarded = await addressTenant(route, tenant, plain);
    } catch (error) {
      return jsonError(400, "BadRequest", `cannot forward to tenant "${tenant}": ${(error as Error).message}`);
    }
    return inner(forwarded, env, ctx);
  }

  return {
    ...dispatcher,
    fetch(request: Request, env: Record<string, unknown>, ctx: unknown) {
      const { pathname } = new URL(request.url);
      if (pathname === HARNESS_PREFIX || pathname.startsWith(`${HARNESS_PREFIX}/`)) return harness(request, env, ctx);
      return inner(request, env, ctx);
    },
  };
}
