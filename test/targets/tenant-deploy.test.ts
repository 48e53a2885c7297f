/**
 * Deploying tenant code where the dispatcher reads it (targets/tenant-deploy.ts): KV/R2 key templates with a latest
 * pointer, every later deploy followed, the workflow class alias, and a deploy that fails named with its fix.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ADAPTER, type SubjectAdapter } from "../../contract/subject.ts";
import { probeTenant, TenantRegistry } from "../../contract/tenant-registry.ts";
import { SubjectError } from "../../targets/subject-error.ts";
import { TenantDeployer, withTenantBinding, withWorkflowClass } from "../../targets/tenant-deploy.ts";

const KV: SubjectAdapter = {
  ...DEFAULT_ADAPTER,
  deploy: {
    kind: "kv",
    binding: "CODE",
    key: "tenants/:tenant/versions/:version",
    latestKey: "tenants/:tenant/latest",
  },
};

describe("TenantDeployer", () => {
  it("writes each bundle under its versioned key and moves the latest pointer, for the first and every later deploy", async () => {
    const store = new Map<string, string>();
    const tenants = TenantRegistry.probes(["acme"]);
    const deployer = new TenantDeployer(KV, async () => ({ put: async (k: string, v: string) => store.set(k, v) }));
    deployer.follow(tenants);
    tenants.set("acme", probeTenant("acme", "v2"));
    await deployer.flushed();
    expect([...store.keys()]).toEqual(["tenants/acme/versions/v1", "tenants/acme/latest", "tenants/acme/versions/v2"]);
    expect(store.get("tenants/acme/latest")).toBe("v2");
    // What the bad-input cases check before they blame the dispatcher: the registry's code reached its store.
    expect(tenants.reaches("acme")).toBe(true);
    expect(JSON.parse(store.get("tenants/acme/versions/v1")!)).toMatchObject({
      codeVersion: "v1",
      mainModule: "index.js",
    });
  });

  it("a write that fails is a SubjectError naming the tenant, the binding, the key and the fix", async () => {
    const deployer = new TenantDeployer(KV, async () => ({
      put: async () => {
        throw new Error("KV PUT failed: 413 Value too large");
      },
    }));
    deployer.follow(TenantRegistry.probes(["acme"]));
    const error = await deployer.flushed().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubjectError);
    expect((error as SubjectError).problem).toBe(
      'deploying tenant "acme" to KV namespace "CODE" key "tenants/acme/versions/v1" failed: KV PUT failed: 413 Value too large',
    );
    expect((error as SubjectError).fix).toContain("check adapter.deploy.kv in dwc.config.json");
  });

  it("a deploy binding that is not a KV namespace on this target is named", async () => {
    const deployer = new TenantDeployer(KV, async () => "a var");
    deployer.follow(TenantRegistry.probes(["acme"]));
    const error = (await deployer.flushed().catch((e: unknown) => e)) as SubjectError;
    expect(error.problem).toContain(
      'the dispatcher\'s binding "CODE" is not a KV namespace "CODE" on this target (got string)',
    );
  });

  it("the request preset sends the bundle to the dispatcher, tenant and version URL-encoded in the path", async () => {
    const sent: { method: string; url: string; body: unknown }[] = [];
    const adapter: SubjectAdapter = {
      ...DEFAULT_ADAPTER,
      deploy: { kind: "request", method: "PUT", path: "/runs/:tenant/code" },
    };
    const deployer = new TenantDeployer(
      adapter,
      async () => undefined,
      async (request) => {
        sent.push({ method: request.method, url: request.url, body: await request.json() });
        return new Response("{}", { status: 201 });
      },
    );
    const tenants = TenantRegistry.probes(["acme-corp/eu"]);
    deployer.follow(tenants);
    await deployer.flushed();
    expect(sent).toEqual([
      {
        method: "PUT",
        url: "http://dispatcher/runs/acme-corp%2Feu/code",
        body: expect.objectContaining({ codeVersion: "v1" }),
      },
    ]);
    expect(tenants.reaches("acme-corp/eu")).toBe(true);
  });

  it("a request deploy the dispatcher refuses is a SubjectError with the status, the body and the fix", async () => {
    const adapter: SubjectAdapter = {
      ...DEFAULT_ADAPTER,
      deploy: { kind: "request", method: "PUT", path: "/runs/:tenant/code" },
    };
    const deployer = new TenantDeployer(
      adapter,
      async () => undefined,
      async () => new Response("no such route", { status: 404 }),
    );
    deployer.follow(TenantRegistry.probes(["acme"]));
    const error = (await deployer.flushed().catch((e: unknown) => e)) as SubjectError;
    expect(error).toBeInstanceOf(SubjectError);
    expect(error.problem).toBe(
      'deploying tenant "acme" by PUT /runs/acme/code: the dispatcher answered HTTP 404 no such route',
    );
    expect(error.fix).toContain("fix adapter.deploy.request in dwc.config.json");
  });

  it("the service preset writes nothing: the registry answers the service binding itself", async () => {
    let puts = 0;
    const deployer = new TenantDeployer(DEFAULT_ADAPTER, async () => ({ put: async () => puts++ }));
    deployer.follow(TenantRegistry.probes(["acme"]));
    await deployer.flushed();
    expect(puts).toBe(0);
  });
});

describe("withTenantBinding", () => {
  it("names the binding in the probe's config.js only when the tenants get it under another name than WORKFLOWS", () => {
    const probe = probeTenant("acme");
    expect(withTenantBinding(probe, "WORKFLOWS")).toBe(probe);
    expect(withTenantBinding(probe, "FLOWS").modules["config.js"]).toMatch(
      /export const workflowsBinding = "FLOWS";\n$/,
    );
  });
});

describe("withWorkflowClass", () => {
  it("appends an alias to the main module only when the subject loads another class name", () => {
    const probe = probeTenant("acme");
    expect(withWorkflowClass(probe, "TenantWorkflow")).toBe(probe);
    const aliased = withWorkflowClass(probe, "TenantFlow");
    expect(aliased.mainModule).toBe("index.js");
    expect(aliased.modules["index.js"]).toMatch(
      /\nexport const TenantFlow = typeof TenantWorkflow === "undefined" \? undefined : TenantWorkflow;\n$/,
    );
  });
});

describe("TenantRegistry versions", () => {
  it("serves the latest deploy at /<tenant> and any deployed version at /<tenant>/versions/<v>", async () => {
    const tenants = TenantRegistry.probes(["acme"]);
    tenants.set("acme", probeTenant("acme", "v2"));
    const latest = (await tenants.handle(new Request("https://tenants/acme")).json()) as { codeVersion: string };
    const first = (await tenants.handle(new Request("https://tenants/acme/versions/v1")).json()) as {
      codeVersion: string;
    };
    expect([latest.codeVersion, first.codeVersion]).toEqual(["v2", "v1"]);
    const missing = tenants.handle(new Request("https://tenants/acme/versions/v9"));
    expect([missing.status, await missing.text()]).toEqual([404, 'unknown tenant "acme" version "v9"']);
  });
});
