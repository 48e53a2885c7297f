/** Fixed scenarios shared by the target-agnostic runner's tests (not a test file itself). */
import type { Scenario } from "../../suites/properties/scenario.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Two tenants' instances are both sleeping when the engine crashes: acme's after a finished step, globex's after a
 * step that failed once (created with createBatch). After the crash (and, on the local engine, the reconcile),
 * both must complete with their own tenant's code, the finished steps cached from before the crash.
 *
 * Regression: the workerd target once reconciled after a restart only the instances made with `create()`; globex's,
 * made with createBatch through `request()`, stayed "running" forever (the local engine wakes nothing, LE-07) and
 * this scenario failed liveness on workerd.
 */
export const CRASH_WHILE_SLEEPING: Scenario = {
  commands: [
    {
      kind: "create",
      tenant: "acme",
      plan: [
        { do: "a", failTimes: 0 },
        { sleep: "nap", duration: 30 * DAY },
        { do: "b", failTimes: 0 },
      ],
      batch: false,
    },
    {
      kind: "create",
      tenant: "globex",
      plan: [
        { do: "c", failTimes: 1 },
        { sleep: "nap", duration: 30 * DAY },
        { do: "d", failTimes: 0 },
      ],
      batch: true,
    },
    { kind: "advance", ms: 2 * HOUR },
    { kind: "crash", point: "now" },
  ],
};

/**
 * One event, two waits of its type, then a restart: on local workerd the second wait takes the same event again
 * (suites/divergences.ts PROPERTY_DIVERGENCES workerd "event-redelivered-after-restart"). Found by the workerd
 * property with seed 1379583195 (path 0:0:1:1:2:2:5:4:7:7), shrunk to this.
 */
export const EVENT_THEN_RESTART_TWO_WAITS: Scenario = {
  commands: [
    {
      kind: "create",
      tenant: "acme",
      plan: [
        { wait: "w", type: "approve", timeout: HOUR },
        { wait: "w", type: "approve", timeout: HOUR },
        { sleep: "nap", duration: 1000 },
      ],
      batch: false,
    },
    { kind: "event", instance: 0, type: "approve" },
    { kind: "crash", point: "now" },
  ],
};

export interface ProbeMarker {
  tenant: string;
  step: string;
  attempt?: number;
  isolate?: string;
}

export function markersOf(output: unknown): ProbeMarker[] {
  return ((output as { markers?: ProbeMarker[] } | undefined)?.markers ?? []).slice();
}
