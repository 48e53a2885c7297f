/**
 * The remote target against a dispatcher served over real HTTP on loopback: fixtures/remote-dispatcher (the
 * reference dispatcher + the authenticated harness control API) in miniflare 4, listening on 127.0.0.1. The same
 * thing a deployment does, minus Cloudflare: the target only sees a URL and a token.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { runCli } from "../support/run-cli.ts";
import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TenantRegistry } from "../../contract/tenant-registry.ts";
import { runCase } from "../../suites/run-case.ts";
import { bundleForWorkerd } from "../../targets/bundle-for-workerd.ts";
import { RemoteTarget } from "../../targets/remote-target.ts";
import { routingCases } from "../../suites/routing/cases.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const REMOTE_DISPATCHER = fileURLToPath(new URL("../../fixtures/remote-dispatcher/index.ts", import.meta.url));
const TENANTS_WORKER = fileURLToPath(new URL("../../fixtures/remote-dispatcher/tenants-worker.ts", import.meta.url));
const TOKEN = "test-token";
/** Fast polling: loopback answers in a millisecond. */
const FAST = { pollMs: 20, settleTimeoutMs: 15_000 };

let mf: Miniflare;
let url: string;

beforeAll(async () => {
  const script = await bundleForWorkerd(REMOTE_DISPATCHER);
  // The served dispatcher's TENANTS: every tenant the routing cases use (the adversarial ids of suites/tenant-ids.ts too).
  const tenants = TenantRegistry.probes([
    "acme",
    "globex",
    "initech",
    "umbrella",
    ...routingCases.flatMap((c) => c.tenants ?? []),
  ]);
  mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: [{ type: "ESModule", path: "dispatcher.js", contents: script }],
    compatibilityDate: "2026-01-01",
    bindings: { HARNESS_TOKEN: TOKEN },
    workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
    workerLoaders: { LOADER: {} },
    serviceBindings: {
      TENANTS: async (request: { url: string }) => {
        const response = tenants.handle(new Request(request.url));
        return new Response(await response.text(), {
          status: response.status,
          headers: { "content-type": "application/json" },
        }) as never;
      },
    },
  });
  url = (await mf.ready).toString();
}, 30_000);

afterAll(async () => {
  await mf?.dispose();
});

/** A plain HTTP request to the served dispatcher, as any client would send it. */
async function http(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(new URL(path, url), init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body };
}

describe("remote target: the routing suite over HTTP", () => {
  for (const c of routingCases) {
    it(`${c.id}${c.needs?.length ? ` [unsupported over HTTP: needs ${c.needs.join(", ")}]` : ""}`, async () => {
      const result = await runCase(new RemoteTarget({ url, token: TOKEN, ...FAST }), c);
      const needed = c.needs ?? [];
      if (needed.length === 0) {
        expect(result.status, result.error).toBe("pass");
      } else {
        // Everything a case can need is impossible over HTTP.
        expect(result.status).toBe("unsupported");
        expect(result.reason).toBe(`needs ${needed.join(", ")}`);
      }
    });
  }

  it("the target is a production, real-time target that boots nothing", async () => {
    const target = new RemoteTarget({ url, token: TOKEN });
    expect(target.name).toBe("remote");
    expect(target.profile.name).toBe("production");
    expect(Object.values(target.capabilities).every((capability) => capability === false)).toBe(true);
    await target.preflight();
    const running = await target.start(TenantRegistry.probes(["acme"]));
    const id = await running.create("initech", { plan: [{ do: "only" }] }, "remote-named-instance");
    expect(id).toBe("remote-named-instance");
    await running.settle();
    const view = await running.status("initech", id);
    expect(view.status).toBe("complete");
    expect((view.output as { tenant: string }).tenant).toBe("initech");
    await running.dispose();
  });

  it("events, pause/resume and terminate go through the control API", async () => {
    const running = await new RemoteTarget({ url, token: TOKEN, ...FAST }).start(TenantRegistry.probes([]));
    const id = await running.create("globex", {
      plan: [{ wait: "w", type: "go", timeout: "1 hour" }, { do: "after" }],
    });
    expect((await running.control("globex", id, "pause")).status).toBe(200);
    expect((await running.control("globex", id, "resume")).status).toBe(200);
    expect((await running.sendEvent("globex", id, "go", { n: 1 })).status).toBe(200);
    await running.settle();
    const view = await running.status("globex", id);
    expect(view.status).toBe("complete");
    expect((view.output as { markers: Array<{ payload?: unknown }> }).markers[0].payload).toEqual({ n: 1 });

    const waiting = await running.create("acme", { plan: [{ wait: "never", type: "nothing", timeout: "1 hour" }] });
    expect((await running.control("acme", waiting, "terminate")).status).toBe(200);
    await running.settle();
    expect((await running.status("acme", waiting)).status).toBe("terminated");
    await running.dispose();
  });

  it("request() carries only /workflows paths", async () => {
    const running = await new RemoteTarget({ url, token: TOKEN }).start(TenantRegistry.probes([]));
    await expect(running.request("acme", "/state")).rejects.toThrow(/only carries \/workflows paths/);
  });
});

describe("remote target: authentication", () => {
  it("a wrong token gets 401, and the target says the dispatcher refused it", async () => {
    const wrong = await http("/__harness/tenants/acme/workflows", {
      method: "POST",
      headers: { authorization: "Bearer not-the-token", "content-type": "application/json" },
      body: JSON.stringify({ params: { plan: [{ do: "x" }] } }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/wrong harness token/);

    const target = new RemoteTarget({ url, token: "not-the-token" });
    await expect(target.preflight()).rejects.toThrow("the remote dispatcher refused the harness token (401)");
    const running = await target.start(TenantRegistry.probes(["acme"]));
    await expect(running.create("acme", { plan: [{ do: "x" }] })).rejects.toThrow(
      "the remote dispatcher refused the harness token (401)",
    );
    // runCase reports it as the case's failure, with the same message
    const result = await runCase(target, routingCases[0]);
    expect(result.status).toBe("fail");
    expect(result.error).toContain("the remote dispatcher refused the harness token (401)");
  });

  it("no authorization header (or not a Bearer one) gets 401 naming the problem", async () => {
    const missing = await http("/__harness/tenants/acme/workflows/whatever");
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/missing authorization header/);
    const basic = await http("/__harness/ping", { headers: { authorization: "Basic dGVzdA==" } });
    expect(basic.status).toBe(401);
    expect(basic.body.error.message).toMatch(/not a Bearer token/);
  });

  it("an unknown harness route is a 404 after authentication, not before", async () => {
    expect((await http("/__harness/nope")).status).toBe(401);
    const unknown = await http("/__harness/nope", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/no harness route/);
  });

  it("the harness route decides the tenant: a caller's own x-tenant-id is overwritten", async () => {
    const created = await http("/__harness/tenants/globex/workflows", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "x-tenant-id": "acme", "content-type": "application/json" },
      body: JSON.stringify({ params: { plan: [{ do: "x" }] } }),
    });
    expect(created.status).toBe(200);
    const running = await new RemoteTarget({ url, token: TOKEN, ...FAST }).start(TenantRegistry.probes([]));
    for (let i = 0; i < 200; i++) {
      if ((await running.status("globex", created.body.id)).status === "complete") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const view = await running.status("globex", created.body.id);
    expect((view.output as { tenant: string }).tenant).toBe("globex");
  });

  it("non-harness routes need no token: the reference dispatcher routes them by x-tenant-id", async () => {
    const state = await http("/state", { headers: { "x-tenant-id": "acme" } });
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ tenant: "acme" });

    const created = await http("/workflows", {
      method: "POST",
      headers: { "x-tenant-id": "initech", "content-type": "application/json" },
      body: JSON.stringify({ params: { plan: [{ do: "public" }] } }),
    });
    expect(created.status).toBe(200);
    expect(typeof created.body.id).toBe("string");
    // and no tenant → the reference dispatcher's own 400
    expect((await http("/state")).status).toBe(400);
  });

  it("missing url or token: a clear error naming the flag", () => {
    expect(() => new RemoteTarget({ token: TOKEN })).toThrow(/--url/);
    expect(() => new RemoteTarget({ url })).toThrow(/--token/);
    expect(() => new RemoteTarget({ url: "not a url", token: TOKEN })).toThrow(/is not a URL/);
  });
});

describe("remote dispatcher: the deployment topology", () => {
  let topology: Miniflare;

  beforeAll(async () => {
    // tenants-worker.ts bundled the way wrangler does with its `rules` Text entry: probe-tenant.js as a string.
    const tenantsWorker = await esbuild.build({
      entryPoints: [TENANTS_WORKER],
      bundle: true,
      format: "esm",
      platform: "neutral",
      write: false,
      logLevel: "silent",
      plugins: [
        {
          name: "probe-as-text",
          setup(build) {
            build.onLoad({ filter: /probe-tenant\.js$/ }, async (args) => ({
              contents: await readFile(args.path, "utf8"),
              loader: "text",
            }));
          },
        },
      ],
    });
    const dispatcher = await bundleForWorkerd(REMOTE_DISPATCHER);
    topology = new Miniflare({
      workers: [
        {
          name: "dwc-remote-dispatcher",
          modules: [{ type: "ESModule", path: "dispatcher.js", contents: dispatcher }],
          compatibilityDate: "2026-01-01",
          bindings: { HARNESS_TOKEN: TOKEN },
          workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
          workerLoaders: { LOADER: {} },
          serviceBindings: { TENANTS: "dwc-probe-tenants" },
        },
        {
          name: "dwc-probe-tenants",
          modules: [{ type: "ESModule", path: "tenants.js", contents: tenantsWorker.outputFiles[0].text }],
          compatibilityDate: "2026-01-01",
          bindings: { CODE_VERSION: "v7" },
        },
        {
          // The same dispatcher deployed without the secret.
          name: "unconfigured",
          modules: [{ type: "ESModule", path: "dispatcher.js", contents: dispatcher }],
          compatibilityDate: "2026-01-01",
          workflows: { WORKFLOWS: { name: "dynamic-workflow-unconfigured", className: "DynamicWorkflow" } },
          workerLoaders: { LOADER: {} },
          serviceBindings: { TENANTS: "dwc-probe-tenants" },
        },
      ],
      host: "127.0.0.1",
      port: 0,
    });
    await topology.ready;
  }, 30_000);

  afterAll(async () => {
    await topology?.dispose();
  });

  it("the tenants worker serves the probe tenant for any tenant id, and a routing case passes through it", async () => {
    const tenants = await topology.getWorker("dwc-probe-tenants");
    const code = (await (await tenants.fetch("https://tenants/any-tenant")).json()) as {
      mainModule: string;
      modules: Record<string, string>;
      codeVersion: string;
    };
    expect(code.codeVersion).toBe("v7");
    expect(code.modules["index.js"]).toBe(await readFile(`${ROOT}fixtures/tenants/probe-tenant.js`, "utf8"));
    expect(code.modules["config.js"]).toBe('export default {"tenant":"any-tenant","codeVersion":"v7"};');

    const result = await runCase(
      new RemoteTarget({ url: (await topology.ready).toString(), token: TOKEN, ...FAST }),
      routingCases[0],
    );
    expect(result.status, result.error).toBe("pass");
  });

  it("a dispatcher without HARNESS_TOKEN answers 503 saying so", async () => {
    const unconfigured = await topology.getWorker("unconfigured");
    const response = await unconfigured.fetch("http://dispatcher/__harness/ping", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /HARNESS_TOKEN is not set/,
    );
  });
});

describe("the CLI", () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli("cli/main.ts", ["run", "--no-reports", ...args], env);

  // Three CLI processes at once: each spends most of its time loading the harness.
  let usage: Awaited<ReturnType<typeof cli>>;
  let refused: Awaited<ReturnType<typeof cli>>;
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    [usage, refused, run] = await Promise.all([
      cli(["--target", "remote", "--token", TOKEN]),
      cli(["--target", "remote", "--suite", "routing"], { DWC_REMOTE_URL: url, DWC_REMOTE_TOKEN: "nope" }),
      cli(["--target", "remote", "--url", url, "--token", TOKEN, "--suite", "routing"]),
    ]);
    // The routing suite in real time: 10 cases that run over HTTP (about 15 s on loopback, more on a busy machine).
  }, 120_000);

  it("--target remote without --url is a usage error naming the flag", () => {
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--url/);
  });

  it("a refused token (here from DWC_REMOTE_TOKEN) stops the run before any case", () => {
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the remote dispatcher refused the harness token (401)");
    expect(refused.stdout).not.toContain("routing/");
  });

  it("--target remote --url --token runs the routing suite against the served dispatcher", () => {
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain("remote: 12 passed, 0 with findings, 0 failed, 8 unsupported");
  });
});
