/**
 * The two example platforms (examples/kv-platform, examples/per-run-app), unmodified, through the CLI as a user runs
 * them: `dwc check` and the whole `dwc run` on both emulator profiles; on workerd the preflight and a handful of
 * cases (a full workerd run takes ~7 minutes on 2 cores: too long for npm test; docs/examples output is a full one).
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";

const dwc = (args: string[]) => runCli("cli/main.ts", args);
const EXAMPLES = ["kv-platform", "per-run-app"];
/** Cases that cross every part of a subject on workerd: routing, a restart while sleeping (stored data kept), a
 * broken deploy. Each workerd run is ~20 s of start-up and bundling plus the cases (npm test's budget). */
const WORKERD_CASES = [
  "routing/own-tenant-every-step",
  "routing/crash-while-sleeping",
  "bad-input/tenant-code-syntax-error",
];

/** The summary line of one target: counts by verdict. */
function summary(stdout: string, target: string): Record<string, number> {
  const line = stdout.split("\n").find((l) => l.startsWith(`${target}: `) && l.includes(" passed"));
  expect(line, `no summary line for ${target} in:\n${stdout}`).toBeDefined();
  const count = (label: string) => Number(new RegExp(`(\\d+) ${label}`).exec(line!)?.[1] ?? Number.NaN);
  return { passed: count("passed"), failed: count("failed"), findings: count("with findings") };
}

describe.each(EXAMPLES)("examples/%s", (example) => {
  const config = `examples/${example}/dwc.config.json`;

  it("dwc check: every preflight step passes on both emulator profiles", async () => {
    const result = await dwc([
      "check",
      "--config",
      config,
      "--target",
      "emulator-production",
      "--target",
      "emulator-local",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const step of ["exports", "bindings", "deploy", "route", "create", "metadata"])
      expect(result.stdout.match(new RegExp(`^ {2}ok {4}${step} `, "gm"))).toHaveLength(2);
  });

  it("dwc run: every case on both emulator profiles, none failed (the findings are the library's)", async () => {
    const result = await dwc([
      "run",
      ...["--config", config, "--target", "emulator-production", "--target", "emulator-local", "--no-reports"],
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const target of ["emulator-production", "emulator-local"]) {
      const counts = summary(result.stdout, target);
      expect(counts.failed).toBe(0);
      expect(counts.passed).toBeGreaterThanOrEqual(44);
    }
  }, 120_000);

  it("dwc run on workerd: the preflight and a handful of cases pass", async () => {
    const cases = WORKERD_CASES.flatMap((c) => ["--case", c]);
    const result = await dwc(["run", "--config", config, "--target", "workerd", ...cases, "--no-reports"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("preflight workerd: ok (6 steps)");
    expect(summary(result.stdout, "workerd")).toEqual({ passed: WORKERD_CASES.length, failed: 0, findings: 0 });
  }, 180_000);
});
