/**
 * The right-code oracle needs no probe tenant: the harness entry around the tenant's own code logs each run()
 * lifetime with its isolate, and the emulator's trace gives each isolate's code identity (loader.getCode `code`). A
 * dispatcher whose wakes load the tenant of the last request it served (fixtures/mutants/wake-uses-last-request-tenant.ts)
 * runs the creator's instance in the neighbour's code after the neighbour's request; the reference dispatcher never.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { explore } from "../../../simulation/explore/explore.ts";
import { referenceSubject } from "../../../targets/topology.ts";
import { EXAMPLES } from "./example-workflows.ts";

const MUTANT = fileURLToPath(new URL("../../../fixtures/mutants/wake-uses-last-request-tenant.ts", import.meta.url));

describe("explore: the right-code oracle", () => {
  it("a dispatcher that wakes instances with the last request's tenant is caught: wrong-code, naming the neighbour's code", async () => {
    const result = await explore({
      subject: referenceSubject(MUTANT),
      workflows: [EXAMPLES.safe()],
      profile: "production",
      seed: 1,
      randomRuns: 0,
      replayPrefix: "dwc explore",
    });
    const [found] = result.cases;
    const wrong = found.findings.filter((f) => f.kind === "wrong-code");
    console.log(
      `[right-code mutant] ${found.verdict}: ${wrong.map((f) => `${f.message} (${f.scheduleText})`).join("\n")}`,
    );
    expect(found.verdict).toBe("failed");
    expect(wrong[0].message).toMatch(
      /^run\(\) lifetime 2 ran in isolate tenant:acme-neighbour#\d+ loaded with acme-neighbour's code \(version v1\), not acme's code version v1/,
    );
    expect(found.exercised.lifetimes).toBeGreaterThan(found.exercised.schedules);
  }, 120_000);

  it("the reference dispatcher runs every lifetime and step in the creator's code", async () => {
    const result = await explore({
      workflows: [EXAMPLES.safe()],
      profile: "local",
      seed: 2,
      randomRuns: 0,
      replayPrefix: "dwc explore",
    });
    const [found] = result.cases;
    console.log(`[right-code reference, local] ${found.verdict}; exercised ${JSON.stringify(found.exercised)}`);
    expect(found.findings).toEqual([]);
    expect(found.exercised.stepAttempts).toBeGreaterThan(0);
  }, 120_000);
});
