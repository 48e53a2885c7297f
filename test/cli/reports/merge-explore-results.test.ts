/**
 * Merging the explore-results.json of `dwc explore --shard i/n` back into one run: the cases of every shard in
 * shard order, vacuity and determinism kept; shards of different runs, a shard given twice and a missing shard
 * refuse to merge, naming the shard. And `dwc report --from <folder>` doing it end to end.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeExploreResults } from "../../../cli/reports/merge-explore-results.ts";
import { MergeError } from "../../../cli/reports/merge-results.ts";
import { writeExploreReports } from "../../../cli/reports/write-explore-reports.ts";
import type { ExploreRequest, ExploreResult } from "../../../simulation/explore/explore-result.ts";
import { runCli } from "../../support/run-cli.ts";
import { cannedResult, failedCase, passedCase } from "../explore/canned.ts";

const REQUEST = { seed: 7, profile: "production", replayPrefix: "npm start -- explore" } as ExploreRequest;

/** Shard `index` of 3: shard 1 owns greeting/quick-reply, 2 greeting/late-reply, 3 counter/three (failed). */
function shard(index: number, extra: Partial<ExploreResult> = {}): ExploreResult {
  const cases = [[passedCase("greeting", "quick-reply")], [passedCase("greeting", "late-reply")], [failedCase()]];
  return {
    ...cannedResult(REQUEST, cases[index - 1]),
    command: `npm start -- explore --seed 7 --shard ${index}/3`,
    durationMs: index * 100,
    shard: { index, count: 3 },
    ...extra,
  };
}
const names = ["s1/explore-results.json", "s2/explore-results.json", "s3/explore-results.json"];

describe("mergeExploreResults", () => {
  it("puts every shard's cases together in shard order, as the unsharded run, without a shard", () => {
    const merged = mergeExploreResults(
      [shard(3), shard(1, { determinism: { schedules: 5, differences: [] } }), shard(2)],
      names,
    );
    expect(merged.cases.map((c) => `${c.workflow}/${c.input}`)).toEqual([
      "greeting/quick-reply",
      "greeting/late-reply",
      "counter/three",
    ]);
    expect(merged.shard).toBeUndefined();
    expect(merged.command).toBe("npm start -- explore --seed 7");
    expect(merged.durationMs).toBe(300);
    expect(merged.determinism).toEqual({ schedules: 5, differences: [] });
  });

  it("names a missing shard, refuses a shard given twice and shards of another run", () => {
    expect(() => mergeExploreResults([shard(1), shard(3)], [names[0], names[2]])).toThrow(
      new MergeError(
        "explore shard 2/3 is missing (given: 1/3, 3/3): every shard's explore-results.json must be given",
      ),
    );
    expect(() => mergeExploreResults([shard(1), shard(1), shard(2), shard(3)], ["a", "b", "c", "d"])).toThrow(
      "shard 1/3 is given twice (a and b): give each shard once",
    );
    expect(() => mergeExploreResults([shard(1), shard(2, { seed: 8 }), shard(3)], names)).toThrow(
      "s2/explore-results.json explored with seed 8 but s1/explore-results.json with 7: only the shards of one explore run merge",
    );
    const unsharded = { ...shard(1), shard: undefined };
    expect(() => mergeExploreResults([unsharded, unsharded], ["a", "b"])).toThrow("are two whole explore runs");
  });

  it("keeps every shard's vacuity", () => {
    const merged = mergeExploreResults([shard(1), shard(2, { vacuity: ["no wait in late-reply"] }), shard(3)], names);
    expect(merged.vacuity).toEqual(["no wait in late-reply"]);
  });
});

describe("dwc report --from a folder of explore shards", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dwc-explore-merge-"));
    for (const i of [1, 2, 3]) await writeExploreReports(join(dir, "ci", `s${i}`), shard(i));
    await writeExploreReports(join(dir, "partial", "s1"), shard(1));
    await writeExploreReports(join(dir, "partial", "s3"), shard(3));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("merges them into one explore.html / explore-junit.xml / explore-results.json, failing on the finding", async () => {
    const out = join(dir, "merged");
    const report = await runCli("cli/main.ts", ["report", "--from", join(dir, "ci"), "--out", out]);
    expect(report.code, report.stdout + report.stderr).toBe(1);
    expect(report.stdout).toContain(
      "3 explore results merged: 3 workflow × input cases, 2 findings (seed 7, production profile; verdict fail)",
    );
    const merged: ExploreResult = JSON.parse(await readFile(join(out, "explore-results.json"), "utf8"));
    expect(merged.cases).toHaveLength(3);
    expect(merged.shard).toBeUndefined();
    expect(await readFile(join(out, "explore.html"), "utf8")).toContain("<h2>counter / three");
    expect(await readFile(join(out, "explore-junit.xml"), "utf8")).toContain('tests="3" failures="1"');
  });

  it("names the missing shard and exits 2", async () => {
    const report = await runCli("cli/main.ts", ["report", "--from", join(dir, "partial"), "--out", join(dir, "m2")]);
    expect(report.code).toBe(2);
    expect(report.stderr).toContain("explore shard 2/3 is missing (given: 1/3, 3/3)");
  });
});
