/** `adapter` in dwc.config.json (cli/config/read-adapter.ts): the presets, the defaults, and each wrong field named. */
import { describe, expect, it } from "vitest";
import { readAdapter } from "../../../cli/config/read-adapter.ts";
import { DEFAULT_ADAPTER } from "../../../contract/subject.ts";

function read(raw: unknown) {
  const problems: string[] = [];
  return { adapter: readAdapter(raw, process.cwd(), problems), problems };
}

describe("readAdapter", () => {
  it("an empty adapter is the reference dispatcher's", () => {
    expect(read({})).toEqual({ adapter: DEFAULT_ADAPTER, problems: [] });
  });

  it("reads the presets: path routing, a KV deploy with a latest pointer, owner key, class, pinned versions", () => {
    const { adapter, problems } = read({
      tenant: { path: "/t/:tenant" },
      deploy: {
        kv: { binding: "CODE", key: "tenants/:tenant/versions/:version", latestKey: "tenants/:tenant/latest" },
      },
      ownerKey: "runId",
      workflowClass: "TenantFlow",
      codeVersion: "pinned",
    });
    expect(problems).toEqual([]);
    expect(adapter).toEqual({
      tenant: { kind: "path", pattern: "/t/:tenant" },
      deploy: {
        kind: "kv",
        binding: "CODE",
        key: "tenants/:tenant/versions/:version",
        latestKey: "tenants/:tenant/latest",
      },
      ownerKey: "runId",
      workflowClass: "TenantFlow",
      codeVersion: "pinned",
      tenantBinding: "WORKFLOWS",
    });
  });

  it("reads a request deploy, the tenants' binding name and the driven workflow", () => {
    const { adapter, problems } = read({
      deploy: { request: "PUT /runs/:tenant/code" },
      tenantBinding: "FLOWS",
      workflow: "runs",
    });
    expect(problems).toEqual([]);
    expect(adapter).toMatchObject({
      deploy: { kind: "request", method: "PUT", path: "/runs/:tenant/code" },
      tenantBinding: "FLOWS",
      workflow: "runs",
    });
  });

  it("a request deploy without a body-carrying method or :tenant, a binding name that is no identifier: named", () => {
    expect(
      read({ deploy: { request: "GET /runs/:tenant" }, tenantBinding: "my flows", workflow: "" }).problems,
    ).toEqual([
      expect.stringContaining('adapter.deploy.request: must be "<POST|PUT|PATCH> <path containing :tenant>"'),
      expect.stringContaining("adapter.tenantBinding: must be the env name your dispatcher gives each tenant"),
      expect.stringContaining("adapter.workflow: must name one of the wrangler file's workflows[]"),
    ]);
    expect(read({ deploy: { request: "PUT /runs/code" } }).problems[0]).toContain('got "PUT /runs/code"');
  });

  it("names each wrong field and what it should be", () => {
    const { problems } = read({
      tenant: { path: "/t/" },
      deploy: { r2: { binding: "B", key: "code" } },
      codeVersion: "newest",
      workflowClass: "not a class",
      colour: 1,
    });
    expect(problems).toEqual([
      "adapter.colour: unknown key (known: tenant, deploy, ownerKey, workflowClass, codeVersion, tenantBinding, workflow)",
      'adapter.tenant.path: the pattern must contain ":tenant" (where the tenant id goes), got "/t/"',
      expect.stringContaining('adapter.deploy.r2.key: required, a key template containing ":tenant"'),
      expect.stringContaining("adapter.workflowClass: must be the class name your dispatcher loads"),
      expect.stringContaining('adapter.codeVersion: "newest" is not a policy: "latest"'),
    ]);
  });

  it("a module that does not exist is named", () => {
    expect(read({ tenant: { module: "./no-such-address.mjs" } }).problems).toEqual([
      "adapter.tenant.module: file not found: ./no-such-address.mjs",
    ]);
  });
});
