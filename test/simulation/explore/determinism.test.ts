/**
 * Same seed, same run: `checkDeterminism` runs a sample of schedules (the systematic ones, then random ones drawn
 * from the seed) twice on fresh emulators and compares their trace hashes — 100 schedules, 0 differences. And a
 * finding's replay command (seed + workflow + input + path) runs exactly the schedule that exposed it again.
 */
import { describe, expect, it } from "vitest";
import { explore } from "../../../simulation/explore/explore.ts";
import { EXAMPLES } from "./example-workflows.ts";

describe("explore: determinism and replay", () => {
  it("100 schedules run twice give the same trace hashes (seed 7)", async () => {
    const result = await explore({
      workflows: [EXAMPLES.safe()],
      profile: "production",
      seed: 7,
      randomRuns: 0,
      checkDeterminism: 100,
      replayPrefix: "dwc explore",
    });
    console.log(`[determinism] seed 7: ${JSON.stringify(result.determinism)}`);
    expect(result.determinism).toEqual({ schedules: 100, differences: [] });
  }, 300_000);

  it("a path replays exactly one schedule: the fault it names lands, and a finding's replay command finds it again", async () => {
    const base = { profile: "production" as const, seed: 3, randomRuns: 0, replayPrefix: "dwc explore" };
    const replayed = await explore({
      ...base,
      workflows: [EXAMPLES.safe()],
      replay: { workflow: "replay-safe", input: "approved", path: "b1" },
    });
    const [safe] = replayed.cases;
    console.log(`[replay b1] ${JSON.stringify(safe.exercised)} ${JSON.stringify(safe.atLeastOnce)}`);
    expect(safe.exercised).toMatchObject({ schedules: 1, faultsInjected: 1, faultsEffective: 1 });
    expect(safe.atLeastOnce).toEqual([
      { step: "do charge-card#1", runs: 2, fault: "crash before the commit of do charge-card#1" },
    ]);

    const first = await explore({ ...base, workflows: [EXAMPLES.counter()] });
    const finding = first.cases[0].findings[0];
    const path = /--path (\S+)$/.exec(finding.replayCommand)![1];
    const again = await explore({
      ...base,
      workflows: [EXAMPLES.counter()],
      replay: { workflow: "module-counter", input: "default", path },
    });
    console.log(`[replay] ${finding.replayCommand} → ${again.cases[0].findings.map((f) => f.message).join(" | ")}`);
    expect(again.cases[0].exercised.schedules).toBe(1);
    expect(again.cases[0].findings.map((f) => [f.kind, f.message])).toEqual([[finding.kind, finding.message]]);
  }, 120_000);
});
