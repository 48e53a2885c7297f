/**
 * The benchmark's pure helpers (bench/lib): statistics, goal verdicts, the table, option parsing. No timing: these
 * check the arithmetic and the shaping of results, never how fast anything is.
 */
import { describe, expect, it } from "vitest";
import { HELP, MEASUREMENTS, parseArgs, runsFor } from "../../bench/lib/args.ts";
import { formatNumber, groupNotes, renderTable } from "../../bench/lib/format.ts";
import { ratioRow, shapeRow, verdictOf, type RowInput } from "../../bench/lib/result.ts";
import { median, quantileSorted, ratio, summarize } from "../../bench/lib/stats.ts";

describe("stats", () => {
  it("median of odd and even counts, whatever the order", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("quartiles interpolate between closest ranks", () => {
    expect(quantileSorted([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
    expect(() => quantileSorted([1], 1.5)).toThrow(RangeError);
  });

  it("summarize gives median, min, max, quartiles; nothing to summarize is null", () => {
    expect(summarize([10, 30, 20, 50, 40])).toEqual({ n: 5, median: 30, min: 10, max: 50, q1: 20, q3: 40 });
    expect(summarize([])).toBeNull();
    expect(summarize([Number.NaN, 2])).toEqual({ n: 1, median: 2, min: 2, max: 2, q1: 2, q3: 2 });
  });

  it("a ratio is the ratio of medians, with a conservative range from the extremes", () => {
    const r = ratio([100, 200, 300], [1, 2, 4]);
    expect(r?.median).toBe(100);
    expect(r?.min).toBe(25); // 100 / 4
    expect(r?.max).toBe(300); // 300 / 1
    expect(ratio([1], [])).toBeNull();
    expect(ratio([1], [0])).toBeNull();
  });
});

describe("result shaping", () => {
  const row = (samples: number[], goal?: RowInput["goal"]): RowInput => ({
    measurement: "m",
    metric: "x",
    target: "emulator",
    unit: "ms",
    samples,
    goal,
  });

  it("judges a goal on the median, in either direction", () => {
    expect(shapeRow(row([4, 6, 9], { label: "< 5", op: "<", value: 5 })).verdict).toBe("miss");
    expect(shapeRow(row([1, 2, 9], { label: "< 5", op: "<", value: 5 })).verdict).toBe("pass");
    expect(shapeRow(row([200, 199, 250], { label: "≥ 200", op: ">=", value: 200 })).verdict).toBe("pass");
    expect(verdictOf(undefined, summarize([1]))).toBeNull();
    expect(verdictOf({ label: "≥ 1", op: ">=", value: 1 }, null)).toBe("n/a");
  });

  it("a ratio row takes its summary from both sides", () => {
    const a = row([1000, 1000]);
    const b = row([5, 5]);
    const shaped = shapeRow(
      ratioRow({ measurement: "m", metric: "ratio", goal: { label: "≥ 200", op: ">=", value: 200 } }, a, b),
    );
    expect(shaped.target).toBe("emulator/workerd");
    expect(shaped.summary?.median).toBe(200);
    expect(shaped.verdict).toBe("pass");
  });
});

describe("table", () => {
  it("formats numbers with 3 significant digits and separators", () => {
    expect(formatNumber(12345.6)).toBe("12,346");
    expect(formatNumber(12.345)).toBe("12.3");
    expect(formatNumber(1.2345)).toBe("1.23");
    expect(formatNumber(0.12345)).toBe("0.123");
  });

  it("shows median, spread, runs and verdict, and each distinct note once", () => {
    const rows = [
      shapeRow({
        measurement: "fuzz",
        metric: "scenarios/s",
        target: "emulator",
        unit: "/s",
        samples: [600, 400, 500],
        goal: { label: "≥ 500/s", op: ">=", value: 500 },
      }),
      shapeRow({ measurement: "ref", metric: "a", target: "workerd", unit: "/s", samples: [], note: "skipped" }),
      shapeRow({ measurement: "ref", metric: "b", target: "workerd", unit: "/s", samples: [], note: "skipped" }),
    ];
    const lines = renderTable(rows).split("\n");
    expect(lines[0]).toMatch(/^measurement\s+metric\s+target\s+median\s+spread \(min–max\)\s+runs\s+goal\s+result$/);
    expect(lines[2]).toMatch(/fuzz\s+scenarios\/s\s+emulator\s+500 \/s\s+400–600\s+3\s+≥ 500\/s\s+pass/);
    expect(lines[3]).toMatch(/ref\s+a\s+workerd\s+—\s+0/);
    expect(groupNotes(rows)).toEqual(["ref / a (workerd) and 1 more: skipped"]);
  });
});

describe("options", () => {
  it("defaults, and every option", () => {
    const parsed = parseArgs([]);
    expect(parsed).toEqual({
      ok: true,
      options: { quick: false, runs: null, only: [], out: "reports/bench.json", workerd: true, help: false },
    });
    const all = parseArgs([
      "--quick",
      "--runs",
      "2",
      "--only",
      "fuzz",
      "--only=scale,crash",
      "--out",
      "x.json",
      "--no-workerd",
      "-h",
    ]);
    expect(all).toEqual({
      ok: true,
      options: { quick: true, runs: 2, only: ["fuzz", "scale", "crash"], out: "x.json", workerd: false, help: true },
    });
  });

  it("rejects unknown options, unknown measurements and bad run counts, naming the problem", () => {
    expect(parseArgs(["--fast"])).toEqual({ ok: false, error: 'unknown option "--fast" (see --help)' });
    expect(parseArgs(["--only", "nope"])).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown measurement "nope"'),
    });
    expect(parseArgs(["--runs", "0"])).toMatchObject({ ok: false, error: expect.stringContaining("--runs") });
    expect(parseArgs(["--runs"])).toMatchObject({ ok: false });
  });

  it("runs: --runs wins, then --quick (1), then the measurement's default", () => {
    expect(runsFor({ quick: true, runs: 4 }, 5)).toBe(4);
    expect(runsFor({ quick: true, runs: null }, 5)).toBe(1);
    expect(runsFor({ quick: false, runs: null }, 3)).toBe(3);
  });

  it("the help names every measurement", () => {
    for (const name of MEASUREMENTS) expect(HELP).toContain(`  ${name} `);
  });
});
