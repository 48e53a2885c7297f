/**
 * `dwc compare --target remote` end to end against a stand-in for a Cloudflare deployment: the reference dispatcher
 * wrapped with the package's withHarnessApi, served by miniflare on loopback (test/support/harness-deployment.ts),
 * driven by the CLI as a child process over real HTTP. A few scenarios only (each takes real time on the
 * "deployment"); `npm run compare -- --target remote …` runs more (docs/remote.md has a 30-scenario run).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompareReport } from "../../cli/reports/compare-report.ts";
import { type HarnessDeployment, startHarnessDeployment } from "../support/harness-deployment.ts";
import { type CliResult, runCli } from "../support/run-cli.ts";

const SECRET = "loopback-secret-0123456789abcdef";
const SCENARIOS = 5;

let deployment: HarnessDeployment;
let out: string;
const compare = (args: string[], env: Record<string, string> = {}) => runCli("cli/main.ts", ["compare", ...args], env);

beforeAll(async () => {
  // A secret under a binding name of the user's choosing: withHarnessApi's secretBinding option.
  deployment = await startHarnessDeployment({ secret: SECRET, secretBinding: "DWC_SECRET", slowMs: 2500 });
  out = await mkdtemp(join(tmpdir(), "dwc-compare-remote-"));
}, 60_000);

afterAll(async () => {
  await deployment?.dispose();
  if (out) await rm(out, { recursive: true, force: true });
});

describe("a refused or missing secret stops dwc compare before anything starts (exit 2)", () => {
  let wrong: CliResult;
  let missing: CliResult;
  beforeAll(async () => {
    [wrong, missing] = await Promise.all([
      compare(["--target", "remote", "--url", deployment.url, "--token", "not-the-secret", "--scenarios", "2"]),
      compare(["--target", "remote", "--url", deployment.url, "--scenarios", "2"]),
    ]);
  }, 120_000);

  it("a wrong secret: the 401 named, no scenario started, no tenant code loaded on the deployment", () => {
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(2);
    expect(wrong.stderr).toContain(
      "the remote dispatcher refused the harness token (401): wrong harness token: it does not match this worker's DWC_SECRET",
    );
    expect(wrong.stdout).not.toContain("compare:");
    expect(wrong.stdout).not.toContain("preflight");
    // Nothing reached tenant code: the deployment never loaded any (this runs first, on a fresh deployment).
    expect(deployment.tenantLoads()).toBe(0);
  });

  it("no secret at all: a usage error naming --token", () => {
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("remote target: no harness token. Pass --token");
    expect(missing.stdout).not.toContain("compare:");
  });
});

describe(`dwc compare --target remote: ${SCENARIOS} seeded scenarios on emulator-production and the deployment`, () => {
  let run: CliResult;
  let replay: CliResult;
  let report: CompareReport;
  beforeAll(async () => {
    const target = ["--target", "remote", "--url", deployment.url, "--token", SECRET];
    [run, replay] = await Promise.all([
      compare([...target, "--scenarios", String(SCENARIOS), "--seed", "1", "--out", join(out, "compare.json")]),
      compare([...target, "--seed", "1", "--path", "2"]),
    ]);
    report = JSON.parse(await readFile(join(out, "compare.json"), "utf8")) as CompareReport;
  }, 300_000);

  it("every scenario agrees or is explained, and the summary and reports say so", async () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `compare: ${SCENARIOS} scenarios, seed 1, emulator-production vs remote at ${deployment.url}`,
    );
    expect(run.stdout).toMatch(
      new RegExp(`${SCENARIOS} scenarios: \\d+ agreements, \\d+ explained differences.*, 0 unexplained`),
    );
    expect(run.stdout).toContain(`Reports: ${join(out, "compare.html")}, ${join(out, "compare.json")}`);
    expect(report.targets).toEqual(["emulator-production", "remote"]);
    expect(report.endpoint).toBe(deployment.url);
    expect(report.summary.scenarios).toBe(SCENARIOS);
    expect(report.summary.unexplained).toBe(0);
    const html = await readFile(join(out, "compare.html"), "utf8");
    expect(html).toContain("<h1>Emulator vs remote</h1>");
  });

  it("something was exercised on both sides: instances created and finished on the emulator and the deployment", () => {
    const created = (side: "emulator" | "workerd") =>
      report.scenarios.reduce((n, s) => n + (s[side]?.instances.length ?? 0), 0);
    const finished = report.scenarios.flatMap((s) => s.workerd?.instances ?? []).filter((i) => i.status === "complete");
    expect(created("emulator")).toBeGreaterThan(0);
    expect(created("workerd")).toBe(created("emulator"));
    expect(finished.length).toBeGreaterThan(0);
    expect(deployment.tenantLoads()).toBeGreaterThan(0);
  });

  it("--path replays one scenario against the deployment and prints the replay line with the target (never the secret)", () => {
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(replay.stdout).toContain("compare: seed 1, path 2, emulator-production vs remote");
    expect(replay.stdout).toContain(
      `replay: npm run compare -- --target remote --url ${deployment.url} --seed 1 --path 2`,
    );
    expect(replay.stdout + replay.stderr).not.toContain(SECRET);
  });
});

describe("a deployment slower than the budget", () => {
  let slow: CliResult;
  beforeAll(async () => {
    // Every harness tenant route of the slow URL answers after 2.5 s; the budget is 1 s per scenario.
    slow = await compare([
      ...["--target", "remote", "--url", deployment.slowUrl, "--token", SECRET],
      ...["--budget", "1", "--scenarios", "3", "--seed", "1", "--out", join(out, "slow/compare.json")],
    ]);
  }, 120_000);

  it("stops with exit 2 and an error naming the budget and how to raise it; no report", () => {
    expect(slow.code, slow.stdout + slow.stderr).toBe(2);
    expect(slow.stderr).toContain(
      `dwc compare stopped: the deployment at ${deployment.slowUrl} is slower than the budget of 1 s per scenario:`,
    );
    expect(slow.stderr).toContain("Raise the budget with --budget <seconds>");
    expect(slow.stderr).toContain("No reports written: the comparison did not finish.");
    expect(slow.stdout).not.toMatch(/\[1\/3\]/);
  });

  it("leaves nothing running: what the stopped scenario created was checked, and is finished or terminated", async () => {
    const created = (await (await fetch(new URL("/slow-created", deployment.url))).json()) as Array<{
      tenant: string;
      id: string;
    }>;
    expect(created.length).toBeGreaterThan(0);
    expect(slow.stderr).toContain(
      `Clean-up on the deployment: ${created.length} instance(s) the stopped scenario created,`,
    );
    for (const { tenant, id } of created) {
      const response = await fetch(
        new URL(`/__harness/tenants/${encodeURIComponent(tenant)}/workflows/${encodeURIComponent(id)}`, deployment.url),
        { headers: { authorization: `Bearer ${SECRET}` } },
      );
      const { status } = (await response.json()) as { status: string };
      expect(["complete", "errored", "terminated"]).toContain(status);
    }
  });
});
