/**
 * A mutation test of the fuzz oracle: each of a set of realistic engine and loader bugs (emulator/mutations.ts,
 * switched on through the white-box emulator/testing.ts) must be caught by the property suite's default budget —
 * the 300 scenarios per profile `npm test` runs on the reference dispatcher (reference-dispatcher.property.test.ts)
 * — either as an invariant violation or as a fault kind that never took effect (vacuity). The score is printed as a
 * table, each catch with its shrunk scenario and violation. Fixed seed (FUZZ_SEED overrides it), so CI explores the
 * same scenarios every time; the unmutated emulator passes the same budget.
 */
import { afterAll, describe, expect, it } from "vitest";
import { MUTATIONS, type Mutation, setMutation } from "../../emulator/testing.ts";
import { describeFailure, type FuzzResult, fuzz } from "../../simulation/fuzz.ts";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 1;
/** The default CI budget of the property suite. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
type ProfileName = "production" | "local";

/**
 * Profiles a mutation is run in: where it means something (the local engine never replays a sleep on a wake, never
 * reports waiting), and for the eviction one production only — its catch is a vacuity over the whole budget, the
 * most expensive run here, and the loader behaves the same in both profiles.
 */
const PROFILES: Record<Mutation, ProfileName[]> = {
  evictKeepsIsolate: ["production"],
  warmIdCallsGetCode: ["production", "local"],
  replayedSleepRestarts: ["production"],
  linearBackoff: ["production", "local"],
  exponentialOffByOne: ["production", "local"],
  nonRetryableRetriedOnce: ["production", "local"],
  runningWhileSleeping: ["production"],
  eventTimeoutDefaultOneHour: ["production", "local"],
  explicitEventTimeoutIgnored: ["production", "local"],
  buffersEventsLifo: ["production", "local"],
};

interface Row {
  mutation: string;
  profile: ProfileName;
  verdict: string;
  scenarios: number;
}
const rows: Row[] = [];

async function fuzzWith(mutation: Mutation | null, profile: ProfileName): Promise<FuzzResult> {
  setMutation(mutation);
  try {
    return await fuzz({ profile, runs: RUNS, seed: SEED });
  } finally {
    setMutation(null);
  }
}

function replayHint(mutation: string, profile: ProfileName): string {
  return `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npm run test:mutations -- -t "${mutation} \\(${profile}\\)"`;
}

describe(`mutation test of the fuzz oracle (seed ${SEED}, ${RUNS} scenarios per profile)`, () => {
  afterAll(() => {
    const caught = rows.filter((r) => r.mutation !== "(none)" && r.verdict !== "MISSED").length;
    const total = rows.filter((r) => r.mutation !== "(none)").length;
    console.log(
      [
        `[oracle mutations] score ${caught}/${total} (seed ${SEED}, ${RUNS} scenarios per profile)`,
        `  ${"mutation".padEnd(30)}${"profile".padEnd(12)}${"scenarios".padStart(9)}  verdict`,
        ...rows.map(
          (r) => `  ${r.mutation.padEnd(30)}${r.profile.padEnd(12)}${String(r.scenarios).padStart(9)}  ${r.verdict}`,
        ),
      ].join("\n"),
    );
  });

  it.each(["production", "local"] as const)(
    "the unmutated emulator passes the same budget (%s)",
    async (profile) => {
      const result = await fuzzWith(null, profile);
      rows.push({ mutation: "(none)", profile, verdict: result.ok ? "passes" : "VIOLATION", scenarios: result.runs });
      expect(result.ok, result.failure && describeFailure(result.failure)).toBe(true);
      expect(result.vacuity).toEqual([]);
    },
    180_000,
  );

  const cases = (Object.keys(MUTATIONS) as Mutation[]).flatMap((mutation) =>
    PROFILES[mutation].map((profile) => ({ mutation, profile })),
  );
  for (const { mutation, profile } of cases)
    it(`${mutation} (${profile}) is caught`, async () => {
      const result = await fuzzWith(mutation, profile);
      // scenarios generated before the catch (the shrinker's runs are left out of the stats)
      const scenarios = result.stats.scenarios;
      const verdict = result.failure
        ? `violation: ${result.failure.violations[0]}`
        : result.vacuity.length > 0
          ? `vacuity: ${result.vacuity[0].split("\n")[0]}`
          : "MISSED";
      rows.push({ mutation, profile, verdict: verdict.slice(0, 150), scenarios });
      console.log(
        `[mutation ${mutation} (${profile})] ${MUTATIONS[mutation]}\n` +
          (result.failure
            ? `${describeFailure(result.failure)}\n(the replay line needs the mutation on: ${replayHint(mutation, profile)})`
            : result.vacuity.join("\n")),
      );
      expect(
        verdict,
        `${mutation} was not caught in ${RUNS} scenarios (${profile}): ${replayHint(mutation, profile)}`,
      ).not.toBe("MISSED");
    }, 180_000);
});
