/**
 * `dwc explore` on canned engine results (test/cli/explore/canned.ts): the request it builds from the config and the
 * flags, the console summary, the reports it writes and its exit status — 1 on findings, on an errored case and on
 * a vacuous run, 0 only when every case passed having run schedules. The engine and the preflight are injected.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../../cli/commands/command.ts";
import { exploreCommandWith } from "../../../cli/commands/explore.ts";
import type { ExploreResult } from "../../../simulation/explore/explore-result.ts";
import { cannedEngine, failedCase, passedCase } from "./canned.ts";

const CONFIG = "test/fixtures/explore/dwc.config.json";
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dwc-explore-command-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the command with `engine`, a passing preflight, and captured stdout. */
async function explore(engine: ReturnType<typeof cannedEngine>, args: string[], preflight = async () => true) {
  let stdout = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await exploreCommandWith({ explore: engine.explore, preflight }).run(["--config", CONFIG, ...args]);
    return { code, stdout };
  } finally {
    spy.mockRestore();
  }
}

describe("dwc explore", () => {
  it("builds the request from the config and flags: bundled code, inputs with event times, seed, runs, replay prefix", async () => {
    const engine = cannedEngine(() => [passedCase()]);
    await explore(engine, ["--seed", "7", "--runs", "9", "--check-determinism", "20", "--no-reports"]);
    const [request] = engine.requests;
    expect(request.seed).toBe(7);
    expect(request.randomRuns).toBe(9);
    expect(request.checkDeterminism).toBe(20);
    expect(request.profile).toBe("production");
    expect(request.shard).toBeUndefined();
    expect(request.replayPrefix).toBe(`npm start -- explore --config ${CONFIG}`);
    expect(request.workflows.map((w) => [w.name, w.tenant, w.className, w.inputs.map((i) => i.name)])).toEqual([
      ["greeting", "acme", "GreetingWorkflow", ["quick-reply", "late-reply"]],
      ["counter", "globex", "CounterWorkflow", ["three"]],
    ]);
    const greeting = request.workflows[0];
    expect(greeting.inputs[0].events).toEqual([{ type: "reply", payload: { text: "hi" }, atMs: 2 * 3_600_000 }]);
    expect(greeting.inputs[1].runForMs).toBe(3 * 86_400_000);
    // The folder was bundled into one module, its sibling import included; the version is the bundle's hash.
    expect(Object.keys(greeting.code.modules)).toEqual([greeting.code.mainModule]);
    expect(greeting.code.modules[greeting.code.mainModule]).toContain("hello ${name}");
    expect(greeting.code.codeVersion).toMatch(/^[0-9a-f]{12}$/);
  });

  it("prints each finding with its cause, schedule and replay line, writes the reports, and exits 1", async () => {
    const engine = cannedEngine(() => [passedCase(), failedCase()]);
    const preflight = vi.fn(async () => true);
    const { code, stdout } = await explore(engine, ["--seed", "7", "--reports", dir], preflight);
    expect(code).toBe(1);
    expect(preflight).toHaveBeenCalledOnce();
    expect(stdout).toContain("greeting / quick-reply (tenant acme): passed");
    expect(stdout).toContain("crash points × steps: 4/4 tried · evictions after steps: 2/2 tried");
    expect(stdout).toContain("counter / three (tenant globex): FAILED, 2 findings");
    expect(stdout).toContain("✗ replay-unsafe:");
    expect(stdout).toContain("likely cause: a step name built from the time (Date.now())");
    expect(stdout).toContain("recorded:     do add 0#1 → do add 1732#1");
    expect(stdout).toContain(
      "replay:       npm start -- explore --config test/fixtures/explore/dwc.config.json --seed 7 --workflow counter --input three --path 3",
    );
    expect(stdout).toContain('with faults:  {"total":4,"items":["a","b","<b>"]}');
    expect(stdout).toMatch(/do greet#1\s+2\s+crash before commit of do greet#1/);
    expect(stdout).toContain(
      "2 workflow × input cases, 1 passed, 1 failed, 0 errors; 2 findings; seed 7, production profile — FAIL",
    );
    const written: ExploreResult = JSON.parse(await readFile(join(dir, "explore-results.json"), "utf8"));
    expect(written.command).toBe(`npm start -- explore --config ${CONFIG} --seed 7 --reports ${dir}`);
    expect(written.cases.map((c) => c.verdict)).toEqual(["passed", "failed"]);
    expect(await readFile(join(dir, "explore.html"), "utf8")).toContain("Exploration report");
    expect(await readFile(join(dir, "explore-junit.xml"), "utf8")).toContain("<failure");
  });
});
