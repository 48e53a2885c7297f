/**
 * Bad input is an `error` finding naming the workflow, the input and the fix, and the rest of the exploration goes
 * on: a class the code does not export, code that fails to parse, an event no wait waits for, a run that never
 * settles, a step that loops forever. The replay-safe example explored in the same request still passes.
 */
import { describe, expect, it } from "vitest";
import { explore } from "../../../simulation/explore/explore.ts";
import type { ExploreWorkflow } from "../../../simulation/explore/explore-result.ts";
import { EXAMPLES, tenantCode } from "./example-workflows.ts";

const ONE_STEP = `import { WorkflowEntrypoint } from "cloudflare:workers";
export class Ok extends WorkflowEntrypoint {
  async run(event, step) { return step.do("only", async () => 1); }
}
export class NeverEnds extends WorkflowEntrypoint {
  async run(event, step) {
    for (let i = 0; ; i++) await step.sleep(\`tick-\${i}\`, "1 hour");
  }
}
export class PollsForever extends WorkflowEntrypoint {
  async run(event, step) {
    return step.do("poll", async () => { for (;;) await new Promise((resolve) => setTimeout(resolve, 60_000)); });
  }
}`;

function workflow(
  name: string,
  className: string,
  source: string,
  events: ExploreWorkflow["inputs"][0]["events"] = [],
): ExploreWorkflow {
  return {
    name,
    tenant: "acme",
    className,
    code: tenantCode(source),
    inputs: [{ name: "in-1", params: {}, events, runForMs: 3 * 86_400_000 }],
  };
}

describe("explore: bad input is an error for that workflow × input only", () => {
  it("names each problem and goes on with the other cases", async () => {
    const result = await explore({
      workflows: [
        workflow("not-exported", "Missing", ONE_STEP),
        workflow("parse-error", "Ok", "export class Ok extends {"),
        workflow("stray-event", "Ok", ONE_STEP, [{ type: "nobody-waits", payload: null, atMs: 1000 }]),
        workflow("never-settles", "NeverEnds", ONE_STEP),
        workflow("loops-in-a-step", "PollsForever", ONE_STEP),
        EXAMPLES.safe(),
      ],
      profile: "production",
      seed: 1,
      randomRuns: 0,
      replayPrefix: "dwc explore",
    });
    const byName = new Map(result.cases.map((c) => [c.workflow, c]));
    const error = (name: string) => {
      const found = byName.get(name)!;
      console.log(`[bad input ${name}] ${found.verdict}: ${found.findings.map((f) => f.message).join(" | ")}`);
      expect(found.verdict).toBe("error");
      return found.findings.find((f) => f.kind === "error")!.message;
    };
    expect(error("not-exported")).toMatch(
      /^not-exported × in-1: class Missing is not exported by index\.js \(its exports: NeverEnds, Ok, PollsForever\)/,
    );
    expect(error("parse-error")).toMatch(
      /^parse-error × in-1: the tenant's code fails to load \(index\.js\): .*SyntaxError/,
    );
    expect(error("stray-event")).toMatch(
      /^stray-event × in-1: the input sends an event of type "nobody-waits" .* that no waitForEvent waits for/,
    );
    expect(error("never-settles")).toMatch(
      /^never-settles × in-1: the run never settles within runForMs \(259200000 ms of virtual time\)/,
    );
    expect(error("loops-in-a-step")).toMatch(
      /^loops-in-a-step × in-1: step do poll#1 never finishes: each of its \d+ attempts ran until the step timeout/,
    );
    expect(byName.get("replay-safe")!.verdict).toBe("passed");
    expect(byName.get("replay-safe")!.exercised.schedules).toBeGreaterThan(1);
  }, 180_000);

  it("a case that ran no step is vacuous: listed, and never passed", async () => {
    const result = await explore({
      workflows: [
        workflow(
          "no-steps",
          "Empty",
          `import { WorkflowEntrypoint } from "cloudflare:workers";
export class Empty extends WorkflowEntrypoint { async run() { return "nothing"; } }`,
        ),
      ],
      profile: "production",
      seed: 1,
      randomRuns: 10,
      replayPrefix: "dwc explore",
    });
    console.log(`[vacuity] ${result.vacuity.join(" | ")}`);
    expect(result.vacuity).toEqual(["no-steps × in-1: no step ran in any schedule: nothing was explored"]);
    expect(result.cases[0].verdict).toBe("failed");
    expect(result.cases[0].exercised.stepAttempts).toBe(0);
  }, 60_000);
});
