/** Merging the results of several runs (one CI job per target) into one matrix, and what refuses to merge. */
import { describe, expect, it } from "vitest";
import { MergeError, mergeResults } from "../../../cli/reports/merge-results.ts";
import { buildResults, type ResultsJson } from "../../../cli/reports/results.ts";
import { RUN } from "./fixture.ts";

const LIBRARY = "@cloudflare/dynamic-workflows@0.1.1";
const whole = buildResults(RUN, LIBRARY);

/** The fixture run cut into one run per target, as separate CI jobs would write them. */
function perTarget(name: string, startedAt: string, durationMs: number): ResultsJson {
  return buildResults(
    {
      ...RUN,
      startedAt,
      durationMs,
      targets: RUN.targets.filter((t) => t.name === name),
      results: RUN.results.filter((r) => r.target === name),
    },
    LIBRARY,
  );
}

describe("mergeResults", () => {
  const parts = [
    perTarget("production", "2026-01-02T03:00:00.000Z", 10_000),
    perTarget("local", "2026-01-02T03:00:05.000Z", 20_000),
    perTarget("remote", "2026-01-02T03:00:01.000Z", 1_000),
  ];

  it("gives the same matrix, summary, findings and verdict as one run over all targets", () => {
    const merged = mergeResults(parts, ["a.json", "b.json", "c.json"]);
    expect(merged.targets).toEqual(whole.targets);
    expect(merged.cases).toEqual(whole.cases);
    expect(merged.results).toEqual(whole.results);
    expect(merged.summary).toEqual(whole.summary);
    expect(merged.findings).toEqual(whole.findings);
    expect(merged.verdict).toBe("fail");
  });

  it("spans from the first start to the last end (jobs may run in parallel)", () => {
    const merged = mergeResults(parts, ["a.json", "b.json", "c.json"]);
    expect(merged.startedAt).toBe("2026-01-02T03:00:00.000Z");
    expect(merged.durationMs).toBe(25_000);
  });

  it("passes when no part failed", () => {
    const merged = mergeResults([parts[2]], ["c.json"]);
    expect(merged.verdict).toBe("pass");
  });

  it("refuses runs of different dispatchers, naming both files", () => {
    const other = { ...parts[1], subject: { ...parts[1].subject, dispatcher: "fixtures/mutants/wrong-tenant.ts" } };
    expect(() => mergeResults([parts[0], other], ["a.json", "b.json"])).toThrow(MergeError);
    expect(() => mergeResults([parts[0], other], ["a.json", "b.json"])).toThrow(
      /b\.json tested dispatcher fixtures\/mutants\/wrong-tenant\.ts but a\.json tested fixtures\/dispatcher\/index\.ts/,
    );
  });

  it("refuses runs of different library versions", () => {
    const other = { ...parts[1], subject: { ...parts[1].subject, library: "@cloudflare/dynamic-workflows@0.2.0" } };
    expect(() => mergeResults([parts[0], other], ["a.json", "b.json"])).toThrow(/library/);
  });

  it("refuses two answers for the same case on the same target", () => {
    expect(() => mergeResults([parts[0], parts[0]], ["a.json", "again.json"])).toThrow(
      /routing\/own-tenant on production is in both a\.json and again\.json/,
    );
  });

  it("merges the parts' baseline comparisons: the new findings of any part fail the merged run", () => {
    const sighting = {
      id: "isolation/cross-tenant-read:get-not-tenant-scoped",
      caseId: "isolation/cross-tenant-read",
      target: "local",
      severity: "high" as const,
      title: "t",
    };
    const clean = (name: string) =>
      buildResults(
        {
          ...RUN,
          targets: RUN.targets.filter((t) => t.name === name),
          results: RUN.results.filter(
            (r) => r.target === name && r.status !== "fail" && r.status !== "divergence-fixed",
          ),
          baseline: { file: "b.json", acknowledged: 1, new: name === "local" ? [sighting] : [], gone: [] },
        },
        LIBRARY,
      );
    const merged = mergeResults([clean("production"), clean("local")], ["a.json", "b.json"]);
    expect(merged.baseline).toEqual({ file: "b.json", acknowledged: 2, new: [sighting], gone: [] });
    expect(merged.verdict).toBe("fail");
    expect(merged.findings.find((f) => f.id === sighting.id)?.baseline).toBe("new");
    expect(() => mergeResults([clean("production"), parts[1]], ["a.json", "b.json"])).toThrow(
      "b.json was not compared with a baseline but a.json was",
    );
  });
});
