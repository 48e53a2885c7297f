/**
 * withHarnessApi (harness-api/with-harness-api.ts) as plain functions in Node (web-standard Request/Response): the
 * secret, the routes, how the tenant is handed to the wrapped dispatcher. Served in a real worker:
 * test/targets/remote-target.test.ts and test/differential/compare-remote-e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { HARNESS_API_VERSION, withHarnessApi } from "../../harness-api/index.ts";

const SECRET = "a-shared-secret-for-the-tests";

/** A dispatcher that answers with what it was given: method, URL, headers, body. */
function echoDispatcher() {
  const seen: Request[] = [];
  return {
    seen,
    extra: "kept",
    async fetch(request: Request) {
      seen.push(request);
      return Response.json({
        method: request.method,
        url: request.url,
        tenant: request.headers.get("x-tenant-id"),
        authorization: request.headers.get("authorization"),
        body: request.method === "GET" ? null : await request.text(),
      });
    },
  };
}

const env = { HARNESS_TOKEN: SECRET };
const call = (
  handler: { fetch: (r: Request, e: unknown, c: unknown) => Response | Promise<Response> },
  path: string,
  init: RequestInit = {},
  e: unknown = env,
) => handler.fetch(new Request(`https://dispatcher.example${path}`, init), e, {});
const auth = { authorization: `Bearer ${SECRET}` };

describe("withHarnessApi: the shared secret", () => {
  it("a missing, non-Bearer or wrong secret is a 401 naming the problem; the dispatcher is never called", async () => {
    const dispatcher = echoDispatcher();
    const wrapped = withHarnessApi(dispatcher);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /missing authorization header/],
      [{ authorization: "Basic eA==" }, /not a Bearer token/],
      [{ authorization: "Bearer nope" }, /wrong harness token: it does not match this worker's HARNESS_TOKEN/],
    ];
    for (const [headers, message] of cases) {
      const response = await call(wrapped, "/__harness/tenants/acme/workflows", {
        method: "POST",
        headers,
        body: "{}",
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
    expect(dispatcher.seen).toHaveLength(0);
  });

  it("a worker without the secret answers 503 with the command that sets it (never open)", async () => {
    const wrapped = withHarnessApi(echoDispatcher(), { secretBinding: "DWC_SECRET" });
    const response = await call(wrapped, "/__harness/ping", { headers: auth });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      "DWC_SECRET is not set on this worker: run `npx wrangler secret put DWC_SECRET`",
    );
    const configured = await call(wrapped, "/__harness/ping", { headers: auth }, { DWC_SECRET: SECRET });
    expect(await configured.json()).toEqual({ ok: true, api: HARNESS_API_VERSION });
  });
});

describe("withHarnessApi: routes", () => {
  it("a tenant route reaches the dispatcher as the tenant's own request: path rewritten, x-tenant-id set, the secret removed", async () => {
    const wrapped = withHarnessApi(echoDispatcher());
    const response = await call(wrapped, "/__harness/tenants/acme-corp%3Aeu/workflows/abc/events?x=1", {
      method: "POST",
      headers: { ...auth, "x-tenant-id": "someone-else" },
      body: '{"type":"go"}',
    });
    expect(await response.json()).toEqual({
      method: "POST",
      url: "https://dispatcher.example/workflows/abc/events?x=1",
      tenant: "acme-corp:eu",
      authorization: null,
      body: '{"type":"go"}',
    });
  });

  it("the tenant as a path prefix, a hostname or a function", async () => {
    const urlOf = async (tenant: Parameters<typeof withHarnessApi>[1]) =>
      (
        (await (
          await call(withHarnessApi(echoDispatcher(), tenant), "/__harness/tenants/Acme%2FEU/workflows/i", {
            headers: auth,
          })
        ).json()) as { url: string }
      ).url;
    expect(await urlOf({ tenant: { path: "/t/:tenant" } })).toBe("https://dispatcher.example/t/Acme%2FEU/workflows/i");
    expect(await urlOf({ tenant: { host: ":tenant.tenants.example" } })).toBe(
      "https://acme-eu.tenants.example/workflows/i",
    );
    expect(
      await urlOf({
        tenant: (tenant, request) =>
          new Request(`https://own.example/${tenant.length}${new URL(request.url).pathname}`, request),
      }),
    ).toBe("https://own.example/7/workflows/i");
  });

  it("everything outside /__harness/ goes to the dispatcher unchanged, without a secret; other handler fields are kept", async () => {
    const dispatcher = echoDispatcher();
    const wrapped = withHarnessApi(dispatcher);
    const response = await call(wrapped, "/workflows", { headers: { "x-tenant-id": "acme" } }, {});
    expect(await response.json()).toMatchObject({ url: "https://dispatcher.example/workflows", tenant: "acme" });
    expect(wrapped.extra).toBe("kept");
  });

  it("an unknown harness route is a 404 after the secret, an empty tenant a 400", async () => {
    const wrapped = withHarnessApi(echoDispatcher());
    expect((await call(wrapped, "/__harness/nope")).status).toBe(401);
    expect((await call(wrapped, "/__harness/nope", { headers: auth })).status).toBe(404);
    expect((await call(wrapped, "/__harness/tenants/%ZZ/workflows", { headers: auth })).status).toBe(400);
  });

  it("a dispatcher without a fetch handler is refused at once, saying what to pass", () => {
    expect(() => withHarnessApi({} as never)).toThrow(/the dispatcher has no fetch handler/);
  });
});
