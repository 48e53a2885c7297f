/**
 * The CLI takes its dispatcher from a config file: a second dispatcher (a mutant) given ONLY through --config runs
 * on the emulator, fails, and the output and results.json say which case and how to replay it.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../support/run-cli.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultsJson } from "../../../cli/reports/results.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MUTANT = join(ROOT, "fixtures/mutants/loader-id-not-per-tenant.ts");

const cli = runCli;

describe("the CLI with --config", () => {
  let dir: string;
  let config: string;
  let reports: string;
  let mutant: Awaited<ReturnType<typeof cli>>;
  let bad: Awaited<ReturnType<typeof cli>>;
  let fuzz: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dwc-config-cli-"));
    config = join(dir, "mutant.config.json");
    reports = join(dir, "reports");
    // The mutant is given relative to the config file's folder (a temp folder), so resolution is exercised too.
    await writeFile(
      config,
      JSON.stringify({ dispatcher: relative(dir, MUTANT), targets: ["emulator-production"], suites: ["routing"] }),
    );
    await writeFile(
      join(dir, "bad.json"),
      JSON.stringify({ targets: ["emulator-production", "workrd"], colour: "red" }),
    );
    await writeFile(
      join(dir, "fuzz.json"),
      JSON.stringify({ dispatcher: MUTANT, fuzz: { runs: 200, profile: "production", workers: 1 } }),
    );
    [mutant, bad, fuzz] = await Promise.all([
      cli("cli/main.ts", ["run", "--config", config, "--reports", reports]),
      cli("cli/main.ts", ["run", "--config", join(dir, "bad.json")]),
      cli("cli/main.ts", ["fuzz", "--config", join(dir, "fuzz.json"), "--seed", "1"]),
    ]);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the configured mutant dispatcher (not the reference) and exits 1", () => {
    expect(mutant.stderr).toBe("");
    expect(mutant.code).toBe(1);
    expect(mutant.stdout).toContain("subject: fixtures/mutants/loader-id-not-per-tenant.ts");
    expect(mutant.stdout).toMatch(/^emulator-production: 20 cases$/m);
    expect(mutant.stdout).toMatch(/^emulator-production: \d+ passed, 0 with findings, [1-9]\d* failed/m);
  });

  it("names each failing case with a replay command that carries the config", () => {
    const failed = mutant.stdout.slice(mutant.stdout.indexOf("\nFailed ("));
    expect(failed).toContain("routing/own-tenant-every-step — fails on emulator-production\n");
    // The full assertion: the case's words, the assertion's source line, expected and actual.
    expect(failed).toContain("      output came from tenant acme, expected globex\n");
    expect(failed).toMatch(
      /^ {8}at suites\/probe\.ts:\d+ \(called from suites\/routing\/cases\.ts:\d+\): assert\.equal\(output\.tenant, tenant, /m,
    );
    expect(failed).toContain("        expected: 'globex'\n        actual:   'acme'\n");
    expect(failed).toContain(
      `replay: npm start -- --config ${config} --target emulator-production --case routing/own-tenant-every-step`,
    );
  });

  it("results.json: own-tenant-every-step failed, with a replay; the subject is the mutant", async () => {
    const results = JSON.parse(await readFile(join(reports, "results.json"), "utf8")) as ResultsJson;
    expect(results.subject.dispatcher).toBe("fixtures/mutants/loader-id-not-per-tenant.ts");
    expect(results.targets.map((t) => t.name)).toEqual(["emulator-production"]);
    expect(new Set(results.cases.map((c) => c.suite))).toEqual(new Set(["routing"]));
    const entry = results.results.find((r) => r.caseId === "routing/own-tenant-every-step")!;
    expect(entry.status).toBe("fail");
    // the report's replay runs the same subject: it carries the config, like the printed one
    expect(entry.replay).toBe(
      `npm start -- --config ${config} --target emulator-production --case routing/own-tenant-every-step`,
    );
    expect(results.verdict).not.toBe("pass");
  });

  it("a wrong config exits 2 and says which fields and why", () => {
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain(
      `bad.json: targets[1]: unknown target "workrd" (known: emulator-production, emulator-local, workerd, {remote})`,
    );
    expect(bad.stderr).toContain(
      "bad.json: colour: unknown key (known: dispatcher, tenants, targets, suites, fuzz, budget, reports, baseline, compatibilityDate, wrangler, wranglerEnv, adapter, explore)",
    );
  });

  it("npm run fuzz -- --config takes the dispatcher, runs and workers from the config", () => {
    expect(fuzz.code).toBe(1);
    expect(fuzz.stdout).toContain(
      "fuzzing production profile: 200 scenarios, seed 1, dispatcher fixtures/mutants/loader-id-not-per-tenant.ts, batches of 200, 1 worker\n",
    );
    expect(fuzz.stdout).toContain(
      "Replay exactly: npm run fuzz -- --profile production --dispatcher fixtures/mutants/loader-id-not-per-tenant.ts --seed 1",
    );
  });
});
