/**
 * A fuzz run that exercised nothing fails (simulation/fuzz-stats.ts): a dispatcher that refuses every request fails
 * with the first refused request; a dispatcher against which a fault kind never takes effect fails with that kind,
 * its count and the first scenario that shows it. Fixed seeds: CI explores the same scenarios every time.
 */
import { describe, expect, it } from "vitest";
import { describeFailure, fuzz } from "../../simulation/fuzz.ts";
import { emptyStats, vacuity } from "../../simulation/fuzz-stats.ts";

describe("fuzz vacuity is a failure", () => {
  it("a dispatcher answering 404 to everything fails with the first refused request and its response", async () => {
    const result = await fuzz({
      profile: "production",
      dispatcher: "fixtures/mutants/refuses-everything.ts",
      runs: 50,
      seed: 1,
    });
    expect(result.ok).toBe(false);
    console.log(`[vacuity 404]\n${describeFailure(result.failure!)}`);
    expect(result.failure!.violations).toContain('create for acme refused: HTTP 404 "not found"');
    expect(result.stats.created).toBe(0);
    expect(vacuity(result.stats)[0]).toMatch(/^no instance was created in \d+ scenarios/);
  }, 60_000);

  it("evictions against uncached LOADER.load() never take effect: the run fails naming the kind, count and a scenario", async () => {
    const result = await fuzz({
      profile: "production",
      dispatcher: "fixtures/mutants/uncached-load.ts",
      runs: 60,
      seed: 1,
    });
    console.log(
      `[vacuity uncached-load] ${result.stats.scenarios} scenarios, evict ${JSON.stringify(result.stats.faults.evict)}\n${result.vacuity.join("\n")}`,
    );
    expect(result.ok).toBe(true);
    expect(result.stats.faults.evict.injected).toBeGreaterThan(0);
    expect(result.stats.faults.evict.effective).toBe(0);
    const evict = result.vacuity.find((v) => v.startsWith('fault coverage: "evict"'));
    expect(evict).toMatch(/was injected \d+ times in 60 scenarios and never took effect/);
    expect(evict).toMatch(/every tenant isolate is evicted/);
    // injected loader failures hit LOADER.load() too, so that kind does take effect against this dispatcher
    expect(result.stats.faults.loaderFailure.effective).toBeGreaterThan(0);
    expect(result.vacuity.some((v) => v.includes('"loaderFailure"'))).toBe(false);
  }, 60_000);

  it("an empty run is not judged (nothing was generated), a run without creates is", () => {
    expect(vacuity(emptyStats())).toEqual([]);
    expect(vacuity({ ...emptyStats(), scenarios: 3 })).toEqual([
      "no instance was created in 3 scenarios: every create was refused or failed, so nothing was tested",
    ]);
  });
});
