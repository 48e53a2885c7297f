/**
 * `dwc fuzz --shard i/n` then `dwc report --from <folder>`: the merged shards are the unsharded run — the same
 * scenario count, the same coverage counts, the same verdict — as a CI matrix would produce them. Fixed seed, so
 * no replay line is needed: `npm run fuzz -- --runs 60 --batch 10 --seed 11 [--shard i/3]` reruns any part.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FuzzResultsJson } from "../../cli/reports/fuzz-results.ts";
import { runCli } from "../support/run-cli.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dwc-fuzz-shards-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const FUZZ = ["fuzz", "--runs", "60", "--batch", "10", "--seed", "11", "--workers", "1"];
const read = async (sub: string): Promise<FuzzResultsJson> =>
  JSON.parse(await readFile(join(dir, sub, "fuzz-results.json"), "utf8"));

describe("fuzz shards merged by dwc report --from", () => {
  it("equal the unsharded run (scenarios, coverage counts, verdict), and join a conformance run's report", async () => {
    const whole = await runCli("cli/main.ts", [...FUZZ, "--reports", join(dir, "whole")]);
    expect(whole.code, whole.stdout + whole.stderr).toBe(0);
    for (const index of [1, 2, 3]) {
      const part = await runCli("cli/main.ts", [
        ...FUZZ,
        "--shard",
        `${index}/3`,
        "--reports",
        join(dir, "ci", `s${index}`),
      ]);
      expect(part.code, part.stdout + part.stderr).toBe(0);
      expect(part.stdout).toContain(`shard ${index}/3: batches`);
    }
    // A conformance job's results in the same artifacts folder: one report, one verdict.
    const conformance = await runCli("cli/main.ts", [
      "run",
      ...["--target", "emulator-production", "--suite", "routing", "--reports", join(dir, "ci", "conformance")],
    ]);
    expect(conformance.code, conformance.stdout + conformance.stderr).toBe(0);
    const report = await runCli("cli/main.ts", ["report", "--from", join(dir, "ci"), "--out", join(dir, "merged")]);
    expect(report.code, report.stdout + report.stderr).toBe(0);
    expect(report.stdout).toContain(
      "3 fuzz results merged: production 60 scenarios, 0 violations (seed 11, 60 runs in batches of 10; verdict pass)",
    );
    expect(report.stdout).toContain("Verdict (conformance and fuzz): pass");
    const results = JSON.parse(await readFile(join(dir, "merged", "results.json"), "utf8"));
    expect([results.verdict, results.fuzz.profiles[0].scenarios]).toEqual(["pass", 60]);
    expect(await readFile(join(dir, "merged", "index.html"), "utf8")).toContain(`<h2>Fuzzing (pass)</h2>`);

    const [expected, merged] = [await read("whole"), await read("merged")];
    expect(merged.profiles[0].scenarios).toBe(60);
    expect(merged.verdict).toBe(expected.verdict);
    // Everything but the example scenario of an ineffective fault, which depends on the order batches finished in.
    const counts = (r: FuzzResultsJson) => r.profiles.map(({ stats: { firstIneffective, ...rest } }) => rest);
    expect(counts(merged)).toEqual(counts(expected));
    expect(counts(merged)[0].created).toBeGreaterThan(0);
  }, 180_000);

  it("a shard missing from the folder is a usage error naming the gap, exit 2", async () => {
    await rm(join(dir, "ci", "s2"), { recursive: true, force: true });
    const report = await runCli("cli/main.ts", ["report", "--from", join(dir, "ci"), "--out", join(dir, "gap")]);
    expect(report.code).toBe(2);
    expect(report.stderr).toContain("fuzz batches 3–4 of 6 are in no file: a shard is missing");
  });
});
