/**
 * The fuzz invariant on rollbacks (suites/properties/rollbacks.ts, WF-43) on hand-written traces: each committed
 * step's rollback runs once per chain, in the creator's code, and a completed chain covers every started step with
 * a handler, last started first.
 */
import { describe, expect, it } from "vitest";
import type { Traced } from "../../../contract/emulator-surface.ts";
import type { ObservedInstance } from "../../../suites/properties/observation.ts";
import { rollbacks } from "../../../suites/properties/rollbacks.ts";

const I = "i1";
let seq = 0;
const at = (event: Record<string, unknown>) => ({ ...event, instance: I, seq: seq++, time: 0 }) as unknown as Traced;
const attempt = (count: number) => at({ type: "step.attempt", step: "c", count, attempt: 1 });
const commit = (count: number, tenant = "acme") =>
  at({ type: "rollback.commit", step: "c", count, attempt: 1, result: { tenant, isolate: `${tenant}/x` } });
const end = (outcome = "complete") => at({ type: "rollback.end", outcome, completed: 0 });

const instance = {
  id: I,
  tenant: "acme",
  plan: [
    { do: "c", failTimes: 0, rollback: true },
    { do: "c", failTimes: 4, rollback: true },
  ],
  status: "errored",
  output: null,
  error: null,
  sent: [],
  terminated: false,
} as unknown as ObservedInstance;

describe("WF-43 rollback invariant", () => {
  it("holds for a chain that rolled back both started steps once, LIFO, in acme's code", () => {
    expect(rollbacks(instance, [attempt(1), attempt(2), commit(2), commit(1), end()], "#0")).toEqual([]);
  });

  it("a rollback run twice, one in another tenant's code, or a step left out are violations", () => {
    expect(rollbacks(instance, [attempt(1), attempt(2), commit(2), commit(2), commit(1), end()], "#0")).toContain(
      'rollback: #0 rolled back step "c" (occurrence 2) twice',
    );
    expect(rollbacks(instance, [attempt(1), attempt(2), commit(2, "globex"), commit(1), end()], "#0")).toEqual([
      'routing: #0 rollback of step "c" ran globex\'s code',
    ]);
    expect(rollbacks(instance, [attempt(1), attempt(2), commit(2), end()], "#0")).toEqual([
      "rollback: #0 chain completed with rollbacks [c#2], expected each started step with a handler once, last started first: [c#2, c#1]",
    ]);
  });

  it("a chain that failed may stop early; a restart starts a new epoch", () => {
    expect(rollbacks(instance, [attempt(1), attempt(2), commit(2), end("failed")], "#0")).toEqual([]);
    const restart = at({ type: "instance.restart", workflow: "w" });
    expect(rollbacks(instance, [attempt(1), commit(1), end(), restart, attempt(1), commit(1), end()], "#0")).toEqual(
      [],
    );
  });
});
