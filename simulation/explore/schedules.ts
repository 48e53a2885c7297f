/**
 * Fault schedules against the fault-free run's steps: the systematic ones (every crash point × every step, an
 * eviction after every step, a hibernation at every wait, a redeploy of the tenant's code at every wait), their text,
 * and their path — a short string naming each fault by kind and step index (`a1-e3-h0-r1`: crash after commit of
 * step 1, evict after step 3, hibernate at wait 0, redeploy at wait 1), so a replay command runs exactly one schedule.
 * A redeploy is not a failure of the platform but the event that puts its code-version policy to the test.
 */
import type { Traced } from "../../contract/emulator-surface.ts";
import type { Schedule, ScheduledFault } from "./explore-result.ts";
import { parseStepRef, stepRef } from "./step-ref.ts";

export type FaultKind = ScheduledFault["kind"];
export const FAULT_KINDS: readonly FaultKind[] = [
  "crash-before-commit",
  "crash-after-commit",
  "evict-after-step",
  "hibernate-at-wait",
  "redeploy-at-wait",
];

const CODE: Record<FaultKind, string> = {
  "crash-before-commit": "b",
  "crash-after-commit": "a",
  "evict-after-step": "e",
  "hibernate-at-wait": "h",
  "redeploy-at-wait": "r",
};

/** The fault-free run's steps (`do x#1`) and waits (`sleep y#1`, `waitForEvent z#1`), in the order they began. */
export interface StepSpace {
  steps: string[];
  waits: string[];
  /** Steps and waits together, in the order they began (what a reader of the fault-free run expects to see). */
  inOrder: string[];
}

export function stepSpace(trace: readonly Traced[]): StepSpace {
  const steps: string[] = [];
  const waits: string[] = [];
  const inOrder: string[] = [];
  const add = (list: string[], ref: string) => {
    if (!list.includes(ref)) list.push(ref);
    if (!inOrder.includes(ref)) inOrder.push(ref);
  };
  for (const event of trace) {
    if (event.type === "step.attempt") add(steps, stepRef({ kind: "do", name: event.step, occurrence: event.count }));
    if (event.type === "sleep.start") add(waits, stepRef({ kind: "sleep", name: event.step, occurrence: event.count }));
    if (event.type === "event.wait")
      add(waits, stepRef({ kind: "waitForEvent", name: event.step, occurrence: event.count }));
  }
  return { steps, waits, inOrder };
}

/** The places a fault of this kind can go. */
export function targetsOf(space: StepSpace, kind: FaultKind): string[] {
  return kind === "hibernate-at-wait" || kind === "redeploy-at-wait" ? space.waits : space.steps;
}

/** Every single-fault schedule, kind by kind. */
export function systematicSchedules(space: StepSpace): Schedule[] {
  return FAULT_KINDS.flatMap((kind) =>
    targetsOf(space, kind).map((step): Schedule => ({ origin: "systematic", faults: [{ kind, step }] })),
  );
}

export function scheduleText(schedule: Schedule): string {
  if (schedule.faults.length === 0) return "no faults (the fault-free run)";
  return schedule.faults.map(faultText).join(", then ");
}

export function faultText(fault: ScheduledFault): string {
  const attempt = fault.attempt && fault.attempt > 1 ? ` (attempt ${fault.attempt})` : "";
  switch (fault.kind) {
    case "crash-before-commit":
      return `crash before the commit of ${fault.step}${attempt}`;
    case "crash-after-commit":
      return `crash after the commit of ${fault.step}${attempt}`;
    case "evict-after-step":
      return `evict after ${fault.step}`;
    case "hibernate-at-wait":
      return `hibernate at ${fault.step}`;
    case "redeploy-at-wait":
      return `redeploy the tenant's code (a new version) at ${fault.step}`;
  }
}

export function schedulePath(schedule: Schedule, space: StepSpace): string {
  if (schedule.faults.length === 0) return "none";
  return schedule.faults
    .map((fault) => `${CODE[fault.kind]}${targetsOf(space, fault.kind).indexOf(fault.step)}`)
    .join("-");
}

/** The schedule a path names, or why it names none. */
export function scheduleAtPath(path: string, space: StepSpace): Schedule | string {
  if (path === "none") return { origin: "fault-free", faults: [] };
  const faults: ScheduledFault[] = [];
  for (const part of path.split("-")) {
    const kind = FAULT_KINDS.find((k) => CODE[k] === part[0]);
    const index = Number(part.slice(1));
    const step = kind ? targetsOf(space, kind)[index] : undefined;
    if (!kind || !Number.isInteger(index) || step === undefined || !parseStepRef(step))
      return `--path ${path}: "${part}" names no fault of this workflow and input (faults are b|a|e|h|r followed by a step index; this run has ${space.steps.length} steps and ${space.waits.length} waits)`;
    faults.push({ kind, step });
  }
  return { origin: "random", faults };
}
