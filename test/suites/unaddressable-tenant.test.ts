/** contract/subject.ts unaddressableTenant: which tenant ids a subject's addressing can carry (host routing: DNS labels). */
import { describe, expect, it } from "vitest";
import { unaddressableTenant } from "../../contract/subject.ts";

const HOST = { kind: "host", pattern: ":tenant.sites.test" } as const;

describe("unaddressableTenant", () => {
  it("header, path and module addressing carry any tenant id the suites generate", () => {
    for (const addressing of [
      { kind: "header", name: "x-tenant-id" },
      { kind: "path", pattern: "/t/:tenant" },
      { kind: "module", path: "./a.mjs" },
      undefined,
    ] as const) {
      expect(unaddressableTenant(addressing, "ACME-CORP")).toBeUndefined();
      expect(unaddressableTenant(addressing, "acme-corp:eu")).toBeUndefined();
    }
  });

  it("host addressing carries lower-case DNS labels only, and says why another id cannot be one", () => {
    expect(unaddressableTenant(HOST, "acme-corp")).toBeUndefined();
    expect(unaddressableTenant(HOST, "a".repeat(63))).toBeUndefined();
    expect(unaddressableTenant(HOST, "ACME-CORP")).toMatch(/"ACME-CORP" cannot be a hostname label/);
    expect(unaddressableTenant(HOST, "acme-corp:eu")).toMatch(/addresses tenants by host \(:tenant\.sites\.test\)/);
    expect(unaddressableTenant(HOST, "a".repeat(64))).toBeDefined();
    expect(unaddressableTenant(HOST, "-acme")).toBeDefined();
  });
});
