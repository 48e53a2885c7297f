/**
 * A tenant's code for dwc explore (cli/explore/tenant-code.ts): a folder or one file bundled into one ES module with
 * `cloudflare:*` left to the runtime, versioned by its hash; code that does not build or lacks its class is one line
 * naming the file and the fix. And in the command: such a workflow becomes an `error` case while the others are
 * explored.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { exploreCommandWith } from "../../../cli/commands/explore.ts";
import { tenantCode } from "../../../cli/explore/tenant-code.ts";
import type { ExploreResult } from "../../../simulation/explore/explore-result.ts";
import { cannedEngine, passedCase } from "./canned.ts";

const FIXTURES = fileURLToPath(new URL("../../fixtures/explore/", import.meta.url));
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dwc-tenant-code-"));
  await mkdir(join(dir, "broken"));
  await writeFile(join(dir, "broken", "index.js"), "export class BrokenWorkflow extends {\n");
  await writeFile(join(dir, "other.js"), "export class SomethingElse {}\nexport const helper = 1;\n");
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("tenantCode", () => {
  it("bundles a folder from its entry into one module, cloudflare:workers left external, versioned by content", async () => {
    const code = await tenantCode(join(FIXTURES, "greeting"), "./greeting", "GreetingWorkflow", "2026-01-01");
    if (!code.ok) throw new Error(code.problem);
    expect(code.bundle.mainModule).toBe("index.js");
    expect(code.bundle.compatibilityDate).toBe("2026-01-01");
    const source = code.bundle.modules["index.js"];
    expect(source).toMatch(/from "cloudflare:workers"/);
    expect(source).toContain("function greetingFor(name)");
    expect(source).not.toContain("./greeting.js");
    const again = await tenantCode(join(FIXTURES, "greeting"), "./greeting", "GreetingWorkflow", "2026-01-01");
    expect(again.ok && again.bundle.codeVersion).toBe(code.bundle.codeVersion);
  });

  it("takes one bundled file as it is", async () => {
    const code = await tenantCode(
      join(FIXTURES, "counter.bundle.js"),
      "./counter.bundle.js",
      "CounterWorkflow",
      "2026-01-01",
    );
    expect(code.ok && code.bundle.mainModule).toBe("counter.bundle.js");
  });

  it("names a class that is not exported, with what is, and code that does not parse, with file:line:column", async () => {
    const missing = await tenantCode(join(dir, "other.js"), "./other.js", "OrderWorkflow", "2026-01-01");
    expect(missing).toEqual({
      ok: false,
      problem:
        "class OrderWorkflow is not exported by ./other.js (it exports SomethingElse, helper): export it, or fix className",
    });
    const broken = await tenantCode(join(dir, "broken"), "./broken", "BrokenWorkflow", "2026-01-01");
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.problem).toMatch(/^code \.\/broken does not build: .+ \(.*broken\/index\.js:\d+:\d+\)/);
  });
});

describe("dwc explore with a workflow whose code does not build", () => {
  it("reports that workflow's inputs as errors naming workflow and input, and explores the rest", async () => {
    const config = join(dir, "dwc.config.json");
    await writeFile(
      config,
      JSON.stringify({
        explore: {
          workflows: [
            { name: "broken", tenant: "a", code: "./broken", className: "BrokenWorkflow", inputs: [{ name: "one" }] },
            { name: "other", tenant: "b", code: "./other.js", className: "OrderWorkflow", inputs: [{ name: "two" }] },
            {
              name: "good",
              tenant: "c",
              code: join(FIXTURES, "greeting"),
              className: "GreetingWorkflow",
              inputs: [{ name: "three" }],
            },
          ],
        },
      }),
    );
    const engine = cannedEngine(() => [passedCase("good", "three")]);
    let stdout = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    let code: number;
    try {
      code = await exploreCommandWith({ explore: engine.explore, preflight: async () => true }).run([
        ...["--config", config, "--seed", "4", "--reports", join(dir, "reports")],
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(1);
    expect(engine.requests[0].workflows.map((w) => w.name)).toEqual(["good"]);
    expect(stdout).toContain("broken / one (tenant a): ERROR (could not be explored), 1 finding");
    expect(stdout).toMatch(/✗ error: broken \/ one: code \.\/broken does not build: /);
    expect(stdout).toContain("✗ error: other / two: class OrderWorkflow is not exported by ./other.js");
    expect(stdout).toContain("good / three (tenant acme): passed");
    expect(stdout).toContain("3 workflow × input cases, 1 passed, 0 failed, 2 errors");
    const { readFile } = await import("node:fs/promises");
    const written: ExploreResult = JSON.parse(await readFile(join(dir, "reports", "explore-results.json"), "utf8"));
    expect(written.cases.map((c) => `${c.workflow}:${c.verdict}`)).toEqual([
      "broken:error",
      "other:error",
      "good:passed",
    ]);
  });
});
