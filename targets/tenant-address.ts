/**
 * How a harness request reaches a tenant's worker through the dispatcher (adapter.tenant): the harness writes
 * `http://dispatcher/<probe path>` and this turns it into the subject's shape — a header, a path prefix
 * (`/t/:tenant` → `/t/acme/workflows`), a hostname (`:tenant.example.com`), or the user's own module.
 */
import { pathToFileURL } from "node:url";
import type { TenantAddressing } from "../contract/subject.ts";
import { SubjectError } from "./subject-error.ts";

export type AddressTenant = (tenant: string, request: Request) => Promise<Request>;

const FIELD = "dwc.config.json: adapter.tenant";

export function tenantAddress(addressing: TenantAddressing): AddressTenant {
  switch (addressing.kind) {
    case "header":
      return async (tenant, request) => {
        const headers = new Headers(request.headers);
        headers.set(addressing.name, tenant);
        return new Request(request, { headers });
      };
    case "path":
      return async (tenant, request) => {
        const url = new URL(request.url);
        const prefix = addressing.pattern.replaceAll(":tenant", encodeURIComponent(tenant)).replace(/\/$/, "");
        url.pathname = `${prefix}${url.pathname}`;
        return new Request(url, request);
      };
    case "host":
      return async (tenant, request) => {
        const url = new URL(request.url);
        url.hostname = addressing.pattern.replaceAll(":tenant", tenant.toLowerCase().replace(/[^a-z0-9-]/g, "-"));
        return new Request(url, request);
      };
    case "module":
      return moduleAddress(addressing.path);
  }
}

/** The user's module: default export `(tenant, request) => Request` (or a promise of one). */
function moduleAddress(path: string): AddressTenant {
  let loaded: Promise<(tenant: string, request: Request) => unknown> | undefined;
  const load = async () => {
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    if (typeof module.default !== "function") {
      throw new SubjectError(
        `${FIELD}.module: ${path} has no default export function (got ${typeof module.default})`,
        "export default (tenant, request) => new Request(…): the request the dispatcher should get for that tenant",
      );
    }
    return module.default as (tenant: string, request: Request) => unknown;
  };
  return async (tenant, request) => {
    loaded ??= load();
    const address = await loaded;
    let result: unknown;
    try {
      result = await address(tenant, request);
    } catch (error) {
      throw new SubjectError(
        `${FIELD}.module: ${path} threw for tenant "${tenant}" (${request.method} ${request.url}): ${error instanceof Error ? error.message : String(error)}`,
        "the function must return a Request for any tenant id the harness passes (ids like acme, globex, no-such/tenant)",
      );
    }
    if (!(result instanceof Request)) {
      throw new SubjectError(
        `${FIELD}.module: ${path} returned ${result === null ? "null" : typeof result} for tenant "${tenant}", not a Request`,
        "return new Request(url, request) (a Request object), e.g. with the tenant in the path or a header",
      );
    }
    return result;
  };
}
