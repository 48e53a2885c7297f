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
import { runCli } from "../../support/run-cli.ts";
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
    expect(greeting.code.modules[greeting.code.mainModule]).toContain("function greetingFor(name)");
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

  it("fails a vacuous run (the engine explored nothing) with the reason, and a run with no case at all", async () => {
    const vacuous = cannedEngine(() => [], {
      vacuity: ["the exploration engine is not built yet: nothing was explored"],
    });
    const run = await explore(vacuous, ["--seed", "1", "--no-reports"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("the run tested nothing of some kind (a failure, not a pass):");
    expect(run.stdout).toContain("  - the exploration engine is not built yet: nothing was explored");
    expect(run.stdout).toContain("— FAIL");

    const empty = cannedEngine(() => []);
    const none = await explore(empty, ["--seed", "1", "--no-reports"]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("no workflow × input was explored");

    // A case that "passed" without running one schedule is no pass either.
    const idle = cannedEngine(() => [{ ...passedCase(), exercised: { ...passedCase().exercised, schedules: 0 } }]);
    expect((await explore(idle, ["--seed", "1", "--no-reports"])).code).toBe(1);
  });

  it("exits 0 when every case passed, and says so", async () => {
    const engine = cannedEngine((r) => r.workflows.flatMap((w) => w.inputs.map((i) => passedCase(w.name, i.name))));
    const { code, stdout } = await explore(engine, ["--seed", "3", "--no-reports"]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "3 workflow × input cases, 3 passed, 0 failed, 0 errors; 0 findings; seed 3, production profile — PASS",
    );
  });

  it("narrows to --workflow / --input, passes --path as a replay, and puts --profile in the replay prefix", async () => {
    const engine = cannedEngine(() => [failedCase()]);
    const args = ["--seed", "7", "--workflow", "counter", "--input", "three", "--path", "3", "--profile", "local"];
    const { code, stdout } = await explore(engine, args);
    expect(code).toBe(1);
    const [request] = engine.requests;
    expect(request.replay).toEqual({ workflow: "counter", input: "three", path: "3" });
    expect(request.profile).toBe("local");
    expect(request.replayPrefix).toBe(`npm start -- explore --config ${CONFIG} --profile local`);
    expect(request.workflows.map((w) => w.name)).toEqual(["counter"]);
    expect(stdout).not.toContain("Reports:"); // a replay writes no reports
  });

  it("runs only its shard's share of the cases, and records the shard in the result", async () => {
    const engine = cannedEngine((r) => r.workflows.flatMap((w) => w.inputs.map((i) => passedCase(w.name, i.name))));
    const { code, stdout } = await explore(engine, ["--seed", "3", "--shard", "2/2", "--reports", join(dir, "s2")]);
    expect(code).toBe(0);
    expect(stdout).toContain("shard 2/2: 2 of 3 workflow × input cases");
    const [request] = engine.requests;
    expect(request.shard).toBeUndefined(); // the CLI shards; the engine sees only this share
    expect(request.workflows.map((w) => [w.name, w.inputs.map((i) => i.name)])).toEqual([
      ["greeting", ["late-reply"]],
      ["counter", ["three"]],
    ]);
    const written: ExploreResult = JSON.parse(await readFile(join(dir, "s2", "explore-results.json"), "utf8"));
    expect(written.shard).toEqual({ index: 2, count: 2 });
  });

  it("refuses usage mistakes with the fix: unknown workflow or input, --path without its case, a bad --profile", async () => {
    const engine = cannedEngine(() => []);
    await expect(explore(engine, ["--workflow", "nope"])).rejects.toThrow(
      "--workflow nope: no such workflow in the explore section (known: greeting, counter)",
    );
    await expect(explore(engine, ["--workflow", "counter", "--input", "four"])).rejects.toThrow(
      "--input four: no such input of counter (inputs: three)",
    );
    await expect(explore(engine, ["--path", "3"])).rejects.toThrow(UsageError);
    await expect(explore(engine, ["--profile", "both"])).rejects.toThrow(
      '--profile must be production or local, got "both"',
    );
    await expect(explore(engine, ["--runs=-1"])).rejects.toThrow(`--runs must be a whole number, got "-1"`);
    expect(engine.requests).toHaveLength(0);
  });

  it("stops with exit 2 when the preflight fails, before exploring anything", async () => {
    const engine = cannedEngine(() => [passedCase()]);
    const { code } = await explore(engine, ["--seed", "1", "--no-reports"], async () => false);
    expect(code).toBe(2);
    expect(engine.requests).toHaveLength(0);
  });
});

describe("dwc explore through the CLI", () => {
  it("exits 2 naming the field path on a wrong explore section, and when the config has none", async () => {
    const bad = join(dir, "bad.config.json");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      bad,
      JSON.stringify({
        explore: {
          workflows: [
            {
              name: "w",
              tenant: "t",
              code: "./missing",
              className: "W",
              inputs: [{ name: "i", events: [{ type: "e", at: -1 }] }],
            },
          ],
        },
      }),
    );
    const wrong = await runCli("cli/main.ts", ["explore", "--config", bad]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Invalid configuration:");
    expect(wrong.stderr).toContain(
      "explore.workflows[0].code: not found: ./missing (paths resolve from the config file's folder)",
    );
    expect(wrong.stderr).toContain("explore.workflows[0].inputs[0].events[0].at: is negative (-1 ms)");

    const none = join(dir, "none.config.json");
    await writeFile(none, "{}");
    const missing = await runCli("cli/main.ts", ["explore", "--config", none]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('has no "explore" section: add one naming your workflows');
  });
});
