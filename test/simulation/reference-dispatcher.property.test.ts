/**
 * The core claim as a property: on the reference dispatcher, over random schedules of creates, sleeps, retries,
 * events, evictions, crashes at named points, pause/resume/terminate/restart and loader failures, every invariant
 * holds (suites/properties/invariants.ts). A CI-sized budget; `npm run fuzz` runs long ones.
 *
 * The seed is random per run unless FUZZ_SEED is set, and is always printed with the command that replays it.
 */
import { describe, expect, it } from "vitest";
import { describeFailure, fuzz, replayCommand } from "../../simulation/fuzz.ts";
import { describeStats } from "../../simulation/fuzz-stats.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

describe.each(["production", "local"] as const)("invariants on the reference dispatcher (%s profile)", (profile) => {
  it(`routing, durability, liveness, events, transitions and outputs hold for ${RUNS} random scenarios`, async () => {
    const result = await fuzz({ profile, runs: RUNS, seed: SEED });
    console.log(
      `[fuzz] ${profile}: ${result.runs} scenarios in ${result.durationMs.toFixed(0)} ms, seed ${SEED}. ` +
        `Re-run this budget: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npx vitest run test/simulation; or: npm run fuzz -- --profile ${profile} --seed ${SEED} --runs ${RUNS}`,
    );
    console.log(describeStats(result.stats));
    if (!result.ok) console.log(describeFailure(result.failure!));
    expect(result.ok, result.failure ? describeFailure(result.failure) : "").toBe(true);
    expect(result.runs).toBe(RUNS);
    // every fault kind the scenarios injected took effect at least once, and instances were created
    expect(result.vacuity, result.vacuity.join("\n")).toEqual([]);
  }, 120_000);

  it("prints a replay command that names the profile, seed and path", () => {
    expect(replayCommand({ profile }, 42, "3:1:0")).toBe(`npm run fuzz -- --profile ${profile} --seed 42 --path 3:1:0`);
  });
});
