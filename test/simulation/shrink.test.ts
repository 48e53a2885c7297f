/**
 * The final shrink pass (simulation/shrink.ts) on a made-up verdict: whatever fast-check leaves, the result is
 * 1-minimal — no single command or plan action can be removed with the violation kept.
 */
import { describe, expect, it } from "vitest";
import type { Command, Scenario } from "../../suites/properties/scenario.ts";
import { minimize } from "../../simulation/shrink.ts";

const create = (tenant: "acme" | "globex", steps: string[]): Command => ({
  kind: "create",
  tenant,
  plan: steps.map((s) => ({ do: s, failTimes: 0 })),
  batch: false,
});

/** Violated while globex creates an instance whose plan has step "b" and some eviction comes later. */
async function verdict(s: Scenario): Promise<string[]> {
  const at = s.commands.findIndex(
    (c) => c.kind === "create" && c.tenant === "globex" && c.plan.some((a) => "do" in a && a.do === "b"),
  );
  return at >= 0 && s.commands.slice(at).some((c) => c.kind === "evict") ? ["violated"] : [];
}

describe("final shrink pass", () => {
  it("removes every command and plan action the violation does not need", async () => {
    const scenario: Scenario = {
      commands: [
        create("acme", ["a"]),
        { kind: "advance", ms: 1000 },
        create("globex", ["a", "b", "c"]),
        { kind: "evict" },
        { kind: "advance", ms: 500 },
        { kind: "evict" },
      ],
    };
    const result = await minimize(scenario, ["violated"], verdict);
    expect(result.scenario.commands).toEqual([create("globex", ["b"]), { kind: "evict" }]);
    expect(result.violations).toEqual(["violated"]);
    expect(result.tries).toBeGreaterThan(0);
  });

  it("leaves a scenario that is already 1-minimal as it is", async () => {
    const scenario: Scenario = { commands: [create("globex", ["b"]), { kind: "evict" }] };
    expect((await minimize(scenario, ["violated"], verdict)).scenario).toEqual(scenario);
  });
});
