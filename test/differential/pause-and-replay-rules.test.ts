/**
 * The two explanation rules about the local engine's pause and replayed errors (differential/
 * explanations.ts, docs/compare.md): what each explains, and the neighbouring differences it must not explain.
 * Hand-made histories; no target is started.
 */
import { describe, expect, it } from "vitest";
import { classify } from "../../differential/compare.ts";
import type { History, InstanceHistory } from "../../differential/history.ts";
import type { Scenario } from "../../suites/properties/scenario.ts";

const PAUSE_ERROR = { name: "Error", message: "Aborting engine: User called pause" };

function marker(step: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { step, tenant: "acme", ...extra };
}

/** An instance whose output has these markers, and the step records the differ derives from them. */
function instance(markers: Array<Record<string, unknown>>, status = "complete"): InstanceHistory {
  return {
    ref: "#0",
    tenant: "acme",
    status,
    output: { codeVersion: "v1", instanceId: "#0", tenant: "acme", markers },
    error: null,
    steps: markers.map((m) => ({
      step: String(m.step),
      ...(m.attempt !== undefined ? { attempt: m.attempt as number } : {}),
      ...(m.caught !== undefined ? { caught: String((m.caught as { name: string }).name) } : {}),
      ...(m.event !== undefined ? { event: String(m.event) } : {}),
    })),
  };
}

function history(target: string, inst: InstanceHistory): History {
  return { target, instances: [inst], problems: [], dropped: [] };
}

const CREATE_A: Scenario["commands"][number] = {
  kind: "create",
  tenant: "acme",
  plan: [{ do: "a", failTimes: 3 }],
  batch: false,
};
const PAUSED: Scenario = { commands: [CREATE_A, { kind: "pause", instance: 0 }] };
const CREATE_W: Scenario["commands"][number] = {
  kind: "create",
  tenant: "acme",
  plan: [
    { wait: "w", type: "approve" },
    { sleep: "nap", duration: 1000 },
  ],
  batch: false,
};
const CRASHED: Scenario = { commands: [CREATE_W, { kind: "crash", point: "now" }, { kind: "crash", point: "now" }] };

describe("pause-lands-at-another-moment", () => {
  const planned = marker("a", { caught: { name: "Error", message: "planned failure 3 in a" } });
  const paused = marker("a", { caught: PAUSE_ERROR });

  it("explains a marker that is the pause error on one target and the step's own outcome on the other, in either direction", () => {
    expect(classify(PAUSED, history("e", instance([paused])), history("w", instance([planned]))).rules).toEqual([
      "pause-lands-at-another-moment",
    ]);
    expect(classify(PAUSED, history("e", instance([planned])), history("w", instance([paused]))).rules).toEqual([
      "pause-lands-at-another-moment",
    ]);
    // an event wait: the pause error on one side, the event on the other (a steps difference)
    const waited = marker("w", { event: "approve", payload: 1 });
    const waitPaused = marker("w", { caught: PAUSE_ERROR });
    expect(classify(PAUSED, history("e", instance([waitPaused])), history("w", instance([waited]))).rules).toEqual([
      "pause-lands-at-another-moment",
    ]);
  });

  it("does not explain it without a pause in the scenario, with different statuses, or for two other errors", () => {
    const calm: Scenario = { commands: [CREATE_A] };
    expect(classify(calm, history("e", instance([paused])), history("w", instance([planned]))).verdict).toBe(
      "unexplained",
    );
    expect(
      classify(PAUSED, history("e", instance([paused], "errored")), history("w", instance([planned]))).verdict,
    ).toBe("unexplained");
    const other = marker("a", { caught: { name: "Error", message: "planned failure 2 in a" } });
    expect(classify(PAUSED, history("e", instance([other])), history("w", instance([planned]))).verdict).toBe(
      "unexplained",
    );
    // a different step name at the same place is not the same marker
    expect(
      classify(
        PAUSED,
        history("e", instance([marker("b", { caught: PAUSE_ERROR })])),
        history("w", instance([planned])),
      ).verdict,
    ).toBe("unexplained");
  });
});

describe("event-wait-timeout-replayed-after-crash", () => {
  const fresh = marker("w", {
    caught: { name: "Error", message: "WorkflowTimeoutError: Execution timed out after 330ms" },
  });
  const replayed = marker("w", { caught: { name: "Error", message: "Execution timed out after 330ms" } });

  it("explains a timed-out wait with the prefix on one target and without it on the other, after a crash", () => {
    expect(classify(CRASHED, history("e", instance([fresh])), history("w", instance([replayed]))).rules).toEqual([
      "event-wait-timeout-replayed-after-crash",
    ]);
    expect(classify(CRASHED, history("e", instance([replayed])), history("w", instance([fresh]))).rules).toEqual([
      "event-wait-timeout-replayed-after-crash",
    ]);
  });

  it("does not explain it without a crash, for a do step, or for another message", () => {
    expect(
      classify({ commands: [CREATE_W] }, history("e", instance([fresh])), history("w", instance([replayed]))).verdict,
    ).toBe("unexplained");
    const doFresh = marker("a", { caught: fresh.caught });
    const doReplayed = marker("a", { caught: replayed.caught });
    expect(
      classify(
        { commands: [CREATE_A, ...CRASHED.commands.slice(1)] },
        history("e", instance([doFresh])),
        history("w", instance([doReplayed])),
      ).verdict,
    ).toBe("unexplained");
    const other = marker("w", { caught: { name: "Error", message: "Execution timed out after 385ms" } });
    expect(classify(CRASHED, history("e", instance([fresh])), history("w", instance([other]))).verdict).toBe(
      "unexplained",
    );
  });
});
