/**
 * The differential comparison's pure parts (differential/): the scrubber, the differ and the classification, on
 * hand-made observations and histories. No target is started.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classify, compareArbitrary, sampleScenarios } from "../../differential/compare.ts";
import { canonical, diffHistories } from "../../differential/diff.ts";
import {
  historyOf,
  scrubText,
  scrubValue,
  stepsOf,
  type History,
  type InstanceHistory,
} from "../../differential/history.ts";
import { EXPLANATION_RULES, type ExplanationRule } from "../../differential/explanations.ts";
import type { ObservedInstance } from "../../suites/properties/observation.ts";
import type { Scenario } from "../../suites/properties/scenario.ts";

const WORKERD_SUPPORT = { crash: true, crashPoints: false, evictIsolates: false, loaderFaults: false };
const ID_A = "3f2b1c4d-0000-4000-8000-0000000000aa";
const ID_B = "instance-1732480000000-b";

function observed(
  id: string,
  tenant: ObservedInstance["tenant"],
  partial: Partial<ObservedInstance>,
): ObservedInstance {
  return {
    id,
    tenant,
    plan: [],
    status: "complete",
    output: undefined,
    error: null,
    sent: [],
    terminated: false,
    ...partial,
  };
}

function instance(ref: string, partial: Partial<InstanceHistory> = {}): InstanceHistory {
  return { ref, tenant: "acme", status: "complete", output: null, error: null, steps: [], ...partial };
}

function history(target: string, instances: InstanceHistory[], problems: string[] = []): History {
  return { target, instances, problems, dropped: [] };
}

const CRASHING: Scenario = {
  commands: [
    { kind: "create", tenant: "acme", plan: [{ do: "a", failTimes: 1 }], batch: false },
    { kind: "crash", point: "now" },
  ],
};
const CALM: Scenario = {
  commands: [{ kind: "create", tenant: "acme", plan: [{ do: "a", failTimes: 1 }], batch: false }],
};

describe("the scrubber", () => {
  it("names instances #n by creation order, everywhere they occur", () => {
    const ids = new Map([
      [ID_A, "#0"],
      [ID_B, "#1"],
    ]);
    expect(scrubText(`instance ${ID_B} waits for ${ID_A}`, ids)).toBe("instance #1 waits for #0");
    expect(scrubValue({ instanceId: ID_A, nested: [{ of: ID_B }] }, ids)).toEqual({
      instanceId: "#0",
      nested: [{ of: "#1" }],
    });
  });

  it("removes isolate ids, timestamps and engine internals; other UUIDs and dates are masked", () => {
    const ids = new Map([[ID_A, "#0"]]);
    const value = {
      isolate: "acme/0d7c2f7e-1111-4222-8333-444455556666",
      timestamp: 1732480000000,
      startedAt: "2026-11-24T22:35:56.123Z",
      __LOCAL_DEV_STEP_OUTPUTS: [1, 2],
      note: "at 2026-11-24T22:35:56Z in 0d7c2f7e-1111-4222-8333-444455556666",
      tenant: "acme",
    };
    expect(scrubValue(value, ids)).toEqual({ note: "at <time> in <uuid>", tenant: "acme" });
  });

  it("keeps status, scrubbed output and error, and the step sequence (names, attempts, caught, events)", () => {
    const h = historyOf({
      target: "t",
      problems: [`status of ${ID_B} failed`],
      dropped: [],
      instances: [
        observed(ID_A, "acme", {
          output: {
            tenant: "acme",
            instanceId: ID_A,
            markers: [
              { tenant: "acme", isolate: "acme/x", attempt: 2, step: "a", codeVersion: "v1" },
              { tenant: "acme", step: "w", event: "ship", payload: 3 },
              { tenant: "acme", step: "b", caught: { name: "Error", message: "planned failure 3 in b" } },
            ],
          },
        }),
        observed(ID_B, "globex", { status: "errored", error: { name: "Error", message: `instance ${ID_B} failed` } }),
      ],
    });
    expect(h.instances.map((i) => [i.ref, i.tenant, i.status])).toEqual([
      ["#0", "acme", "complete"],
      ["#1", "globex", "errored"],
    ]);
    expect(h.instances[0].steps).toEqual([
      { step: "a", attempt: 2 },
      { step: "w", event: "ship" },
      { step: "b", caught: "Error" },
    ]);
    expect((h.instances[0].output as { instanceId: string }).instanceId).toBe("#0");
    expect(JSON.stringify(h)).not.toContain("acme/x");
    expect(h.instances[1].error).toEqual({ name: "Error", message: "instance #1 failed" });
    expect(h.instances[1].output).toBeNull();
    expect(h.problems).toEqual(["status of #1 failed"]);
    expect(stepsOf(undefined)).toEqual([]);
  });

  it("two runs that differ only in ids, isolates and times have equal histories", () => {
    const run = (id: string, isolate: string) =>
      historyOf({
        target: "t",
        problems: [],
        dropped: [],
        instances: [
          observed(id, "acme", { output: { instanceId: id, markers: [{ step: "a", attempt: 1, isolate }] } }),
        ],
      });
    const a = run(ID_A, "acme/1");
    const b = run(ID_B, "acme/2");
    expect(canonical({ ...a, target: "" })).toBe(canonical({ ...b, target: "" }));
  });
});

describe("the differ and the classification", () => {
  it("equal histories agree", () => {
    const e = history("emulator-local", [instance("#0", { steps: [{ step: "a", attempt: 1 }] })]);
    const w = history("workerd", [instance("#0", { steps: [{ step: "a", attempt: 1 }] })]);
    expect(diffHistories(e, w)).toEqual([]);
    expect(classify(CALM, e, w).verdict).toBe("agreement");
  });

  it("reports status, error, steps, instance count and problems; output only when the steps agree", () => {
    const e = history(
      "e",
      [instance("#0", { status: "complete", steps: [{ step: "a", attempt: 2 }], output: { x: 1 } }), instance("#1")],
      [],
    );
    const w = history(
      "w",
      [instance("#0", { status: "errored", error: { name: "Error", message: "boom" }, steps: [], output: null })],
      ["create failed"],
    );
    expect(diffHistories(e, w).map((d) => `${d.instance} ${d.field}`)).toEqual([
      "* instances",
      "* problems",
      "#0 status",
      "#0 error",
      "#0 steps",
    ]);
    const e2 = history("e", [instance("#0", { output: { markers: [], tenant: "acme" } })]);
    const w2 = history("w", [instance("#0", { output: { tenant: "globex", markers: [] } })]);
    expect(diffHistories(e2, w2).map((d) => d.field)).toEqual(["output"]);
    // key order never matters
    const w3 = history("w", [instance("#0", { output: { tenant: "acme", markers: [] } })]);
    expect(diffHistories(e2, w3)).toEqual([]);
  });

  it("an unexplained difference is unexplained; a rule that explains every difference makes it an explained difference", () => {
    const e = history("e", [instance("#0", { status: "complete" })]);
    const w = history("w", [instance("#0", { status: "errored" })]);
    expect(classify(CALM, e, w).verdict).toBe("unexplained");
    const rule: ExplanationRule = { id: "test-rule", reason: "test", explains: (d) => d.field === "status" };
    const verdict = classify(CALM, e, w, [rule]);
    expect(verdict.verdict).toBe("explained");
    expect(verdict.rules).toEqual(["test-rule"]);
    expect(verdict.differences[0].rule).toBe("test-rule");
  });

  it("every known rule has an id, a reason that cites the spec or the profiles, and ids are unique", () => {
    expect(new Set(EXPLANATION_RULES.map((r) => r.id)).size).toBe(EXPLANATION_RULES.length);
    for (const rule of EXPLANATION_RULES) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.reason).toMatch(/profiles\.md|§E|WF-\d+|LE-\d+/);
    }
  });

  it("interrupted-attempt-counts: a higher attempt on workerd after a crash, not without one, never a status change", () => {
    const e = history("e", [instance("#0", { steps: [{ step: "a", attempt: 2 }] })]);
    const w = history("w", [instance("#0", { steps: [{ step: "a", attempt: 3 }] })]);
    expect(classify(CRASHING, e, w).rules).toEqual(["interrupted-attempt-counts"]);
    expect(classify(CALM, e, w).verdict).toBe("unexplained");
    expect(classify(CRASHING, w, e).verdict).toBe("unexplained"); // lower on workerd: not what an interrupted attempt does
    const w2 = history("w", [instance("#0", { status: "errored", steps: [] })]);
    expect(classify(CRASHING, e, w2).verdict).toBe("unexplained");
  });

  it("event-wait-timeout-after-crash: a wait times out on one target and takes the event on the other, only with a crash", () => {
    const scenario: Scenario = {
      commands: [
        {
          kind: "create",
          tenant: "globex",
          plan: [
            { wait: "w", type: "ship" },
            { wait: "w", type: "ship" },
          ],
          batch: true,
        },
        { kind: "crash", point: "now" },
        { kind: "event", instance: 0, type: "ship" },
      ],
    };
    const e = history("e", [
      instance("#0", {
        steps: [
          { step: "w", event: "ship" },
          { step: "w", event: "ship" },
        ],
      }),
    ]);
    const w = history("w", [
      instance("#0", {
        steps: [
          { step: "w", caught: "Error" },
          { step: "w", event: "ship" },
        ],
      }),
    ]);
    expect(classify(scenario, e, w).rules).toEqual(["event-wait-timeout-after-crash"]);
    expect(classify({ commands: [scenario.commands[0], scenario.commands[2]] }, e, w).verdict).toBe("unexplained");
    // a do step caught on one side is not a wait
    const e2 = history("e", [instance("#0", { steps: [{ step: "a", attempt: 1 }] })]);
    const w2 = history("w", [instance("#0", { steps: [{ step: "a", caught: "Error" }] })]);
    expect(classify(scenario, e2, w2).rules).not.toContain("event-wait-timeout-after-crash");
  });
});

describe("the scenarios", () => {
  it("are small and workerd-expressible; fc.check's path n replays fc.sample's scenario n (what shrinking relies on)", () => {
    const sample = sampleScenarios(WORKERD_SUPPORT, 1, 30);
    for (const s of sample) {
      expect(s.commands.length).toBeLessThanOrEqual(6);
      expect(s.commands.filter((c) => c.kind === "create").length).toBeLessThanOrEqual(3);
      expect(s.commands[0].kind).toBe("create");
      for (const c of s.commands) {
        expect(["evict", "failLoader"]).not.toContain(c.kind);
        if (c.kind === "crash") expect(c.point).toBe("now");
      }
    }
    for (const index of [0, 7, 29]) {
      let first: Scenario | undefined;
      fc.check(
        fc.property(compareArbitrary(WORKERD_SUPPORT), (s) => {
          first ??= s;
        }),
        { seed: 1, path: String(index), numRuns: 1 },
      );
      expect(first).toEqual(sample[index]);
    }
  });
});
