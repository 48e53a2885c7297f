/**
 * `explore()` on the shipped example workflows (examples/explore-workflows/): the replay-safe order workflow passes
 * every systematic schedule with full coverage and exercised counts; each replay-unsafe one is reported as
 * `replay-unsafe` with its cause, the two step sequences and a replay command. Fixed seed: the same schedules every
 * time (replay: the finding's replayCommand).
 */
import { describe, expect, it } from "vitest";
import { explore } from "../../../simulation/explore/explore.ts";
import type { ExploreCaseResult, ExploreWorkflow } from "../../../simulation/explore/explore-result.ts";
import { EXAMPLES } from "./example-workflows.ts";

const SEED = 1;

async function exploreOne(workflow: ExploreWorkflow, randomRuns = 5): Promise<ExploreCaseResult> {
  const result = await explore({
    workflows: [workflow],
    profile: "production",
    seed: SEED,
    randomRuns,
    replayPrefix: "dwc explore",
  });
  expect(result.cases).toHaveLength(1);
  const [found] = result.cases;
  console.log(
    `[explore ${found.workflow}] seed ${SEED}: ${found.verdict}; ${found.coverage.map((c) => `${c.kind} ${c.tried}/${c.total}`).join(", ")}; exercised ${JSON.stringify(found.exercised)}`,
  );
  for (const f of found.findings)
    console.log(`  ${f.kind}: ${f.message}\n    cause: ${f.likelyCause}\n    replay: ${f.replayCommand}`);
  return found;
}

describe("explore: the shipped example workflows", () => {
  it("the replay-safe OrderWorkflow passes every schedule, with full systematic coverage", async () => {
    const found = await exploreOne(EXAMPLES.safe());
    expect(found.findings).toEqual([]);
    expect(found.verdict).toBe("passed");
    expect(found.faultFree.status).toBe("complete");
    // In the order the run began them.
    expect(found.faultFree.steps).toEqual([
      "do reserve-stock#1",
      "do charge-card#1",
      "sleep wait-for-warehouse#1",
      "waitForEvent manager-approval#1",
      "do ship#1",
      "do email-customer#1",
      "do write-receipt#1",
    ]);
    expect(found.coverage).toEqual([
      { kind: "crash-before-commit", tried: 5, total: 5 },
      { kind: "crash-after-commit", tried: 5, total: 5 },
      { kind: "evict-after-step", tried: 5, total: 5 },
      { kind: "hibernate-at-wait", tried: 2, total: 2 },
      { kind: "redeploy-at-wait", tried: 2, total: 2 },
      { kind: "combined", tried: 5, total: 5 },
    ]);
    expect(found.exercised.schedules).toBe(1 + 19 + 5);
    expect(found.exercised.faultsEffective).toBeGreaterThan(19);
    // A crash before a commit runs that step's callback again: the at-least-once table says which.
    expect(found.atLeastOnce.map((r) => r.step)).toEqual(
      expect.arrayContaining(["do reserve-stock#1", "do charge-card#1", "do ship#1"]),
    );
    expect(found.atLeastOnce.find((r) => r.step === "do charge-card#1")?.fault).toBe(
      "crash before the commit of do charge-card#1",
    );
  }, 120_000);

  it.each([
    ["date", /^a step name built from the time \(Date\.now\(\) outside a step\)/, "do report-"],
    ["random", /^branching outside steps on randomness \(Math\.random\(\) outside a step\)/, "do send-"],
    ["counter", /^a step name built from module state: lifetime \d+ ran in the same warm isolate/, "do import-batch-"],
    [
      "sideEffect",
      /^a side effect outside any step \(fetch POST https:\/\/hooks\.example\.com\/notify\)/,
      "(outside any step)",
    ],
  ] as const)(
    "the replay-unsafe %s example is reported with its cause",
    async (example, cause, inSequence) => {
      const found = await exploreOne(EXAMPLES[example](), 0);
      expect(found.verdict).toBe("failed");
      const unsafe = found.findings.filter((f) => f.kind === "replay-unsafe");
      expect(unsafe.length).toBeGreaterThan(0);
      expect(unsafe[0].likelyCause).toMatch(cause);
      expect(unsafe[0].sequences!.replayed.join(" ")).toContain(inSequence);
      expect(unsafe[0].replayCommand).toMatch(/^dwc explore --seed 1 --workflow [\w-]+ --input default --path \S+$/);
      expect(found.findings.filter((f) => f.kind === "error")).toEqual([]);
    },
    120_000,
  );
});
