/**
 * How the control API hands a request to the wrapped dispatcher as a request *from* a tenant: the same shapes as
 * the adapter's `tenant` field (docs/subject-contract.md) — a header (default `x-tenant-id`), a path prefix
 * (`/t/:tenant`), a hostname (`:tenant.example.com`) — or your own function. Worker code: web-standard APIs only.
 */
export type TenantRoute =
  | { header: string }
  | { path: string }
  | { host: string }
  | ((tenant: string, request: Request) => Request | Promise<Request>);

export const DEFAULT_TENANT_ROUTE: TenantRoute = { header: "x-tenant-id" };

/** `request` (already on the tenant-side path, e.g. `/workflows/<id>`) addressed to `tenant` the way `route` says. */
export async function addressTenant(route: TenantRoute, tenant: string, request: Request): Promise<Request> {
  if (typeof route === "function") return route(tenant, request);
  if ("header" in route) {
    const headers = new Headers(request.headers);
    headers.set(route.header, tenant);
    return new Request(request, { headers });
  }
  const url = new URL(request.url);
  if ("path" in route) {
    const prefix = route.path.replaceAll(":tenant", encodeURIComponent(tenant)).replace(/\/$/, "");
    url.pathname = `${prefix}${url.pathname}`;
  } else {
    url.hostname = route.host.replaceAll(":tenant", tenant.toLowerCase().replace(/[^a-z0-9-]/g, "-"));
  }
  return new Request(url, request);
}
