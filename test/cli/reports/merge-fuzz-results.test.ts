/**
 * Merging the fuzz-results.json of `dwc fuzz --shard i/n` back into one run: counts add up, the verdict is the
 * whole run's, and shards that do not belong together — or do not cover the run — refuse to merge.
 */
import { describe, expect, it } from "vitest";
import type { FuzzProfileResult, FuzzResultsJson } from "../../../cli/reports/fuzz-results.ts";
import { mergeFuzzResults } from "../../../cli/reports/merge-fuzz-results.ts";
import { MergeError } from "../../../cli/reports/merge-results.ts";
import { emptyStats } from "../../../simulation/fuzz-stats.ts";

function profile(scenarios: number, created: number, extra: Partial<FuzzProfileResult> = {}): FuzzProfileResult {
  const stats = { ...emptyStats(), scenarios, created, completed: created };
  stats.faults.evict = { injected: scenarios, effective: 1 };
  return { profile: "production", scenarios, vacuity: [], stats, ...extra };
}

/** Shard `index` of 3 of a 500-run fuzz in batches of 100 (5 batches: shards own 0–1, 1–3, 3–5). */
function shard(index: number, p: FuzzProfileResult = profile(index === 1 ? 100 : 200, index)): FuzzResultsJson {
  const ranges = [
    { start: 0, end: 1 },
    { start: 1, end: 3 },
    { start: 3, end: 5 },
  ];
  return {
    kind: "fuzz",
    version: 1,
    startedAt: `2026-01-02T03:00:0${index}.000Z`,
    durationMs: 1000,
    verdict: "pass",
    subject: { dispatcher: "src/d.ts", library: "@cloudflare/dynamic-workflows@0.1.1" },
    seed: 7,
    runs: 500,
    batch: 100,
    shard: { index, count: 3 },
    batches: ranges[index - 1],
    profiles: [p],
  };
}
const names = ["s1.json", "s2.json", "s3.json"];

describe("mergeFuzzResults", () => {
  it("adds the shards' scenarios and coverage into the whole run, in any order, with one verdict", () => {
    const merged = mergeFuzzResults([shard(3), shard(1), shard(2)], names);
    expect(merged.profiles[0].scenarios).toBe(500);
    expect(merged.profiles[0].stats.created).toBe(6);
    expect(merged.profiles[0].stats.faults.evict).toEqual({ injected: 500, effective: 3 });
    expect(merged.batches).toEqual({ start: 0, end: 5 });
    expect(merged.shard).toBeUndefined();
    expect(merged.verdict).toBe("pass");
    expect(merged.startedAt).toBe("2026-01-02T03:00:01.000Z");
  });

  it("a violation in one shard fails the merged run and is kept", () => {
    const violation = { seed: 8, path: "3:1", violations: ["routing"], scenario: "1. …", replay: "npx dwc fuzz …" };
    const merged = mergeFuzzResults([shard(1), shard(2, profile(150, 1, { violation })), shard(3)], names);
    expect(merged.verdict).toBe("fail");
    expect(merged.profiles[0].violation).toEqual(violation);
  });

  it("vacuity is judged over the whole: shards that each created nothing make a vacuous run", () => {
    const none = (i: number) => shard(i, profile(i === 1 ? 100 : 200, 0));
    const merged = mergeFuzzResults([none(1), none(2), none(3)], names);
    expect(merged.verdict).toBe("fail");
    expect(merged.profiles[0].vacuity[0]).toMatch(/^no instance was created in 500 scenarios/);
  });

  it("a missing shard, a repeated one, or shards of different runs refuse to merge", () => {
    expect(() => mergeFuzzResults([shard(1), shard(3)], names)).toThrow(
      new MergeError(
        "fuzz batches 2–3 of 5 are in no file: a shard is missing (every shard's fuzz-results.json must be given)",
      ),
    );
    expect(() => mergeFuzzResults([shard(1), shard(2)], names)).toThrow(/fuzz batches 4–5 of 5 are in no file/);
    expect(() => mergeFuzzResults([shard(1), shard(2), shard(2), shard(3)], [...names, "again.json"])).toThrow(
      /repeats batches already covered/,
    );
    expect(() => mergeFuzzResults([shard(1), { ...shard(2), seed: 8 }, shard(3)], names)).toThrow(
      "s2.json fuzzed with seed 8 but s1.json with 7: only shards of one fuzz run merge",
    );
  });
});
