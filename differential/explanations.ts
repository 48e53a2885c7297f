/**
 * Differences between the emulator (local profile) and local workerd that are understood: each rule has an id, the
 * reason (docs/profiles.md, spec §E, docs/compare.md) and a predicate over one difference in the context of both
 * histories and the scenario. A difference no rule explains is "unexplained" (differential/compare.ts).
 *
 * Add a rule only for a difference you understand and can explain; never to make a run green.
 */
import { PAUSE_ABORT_MESSAGE } from "../contract/emulator-surface.ts";
import type { Scenario } from "../suites/properties/scenario.ts";
import { canonical, type Difference } from "./diff.ts";
import type { History, InstanceHistory, StepHistory } from "./history.ts";

export interface RuleContext {
  scenario: Scenario;
  emulator: History;
  workerd: History;
}

export interface ExplanationRule {
  id: string;
  reason: string;
  explains(diff: Difference, context: RuleContext): boolean;
}

const hasCrash = (s: Scenario) => s.commands.some((c) => c.kind === "crash");
const hasPause = (s: Scenario) => s.commands.some((c) => c.kind === "pause");

/** LE-08: what a step call rejects with on the local engine when a pause takes effect (docs/profiles.md). */
const PAUSE_ERROR_MESSAGE = PAUSE_ABORT_MESSAGE;
const TIMEOUT_PREFIX = "WorkflowTimeoutError: ";

interface Marker {
  step?: unknown;
  caught?: { name?: unknown; message?: unknown };
  [key: string]: unknown;
}

function markersOf(output: unknown): Marker[] | null {
  const markers = (output as { markers?: unknown } | null)?.markers;
  return Array.isArray(markers) ? (markers as Marker[]) : null;
}

function outputWithoutMarkers(output: unknown): string {
  if (!output || typeof output !== "object") return canonical(output);
  const { markers: _markers, ...rest } = output as Record<string, unknown>;
  return canonical(rest);
}

/**
 * Both instances have the same status and outputs that differ only in their markers: as many, with the same step
 * names in order, and every pair that differs passes `allowed`. False when no marker differs.
 */
function markersDifferOnlyWhere(
  e: InstanceHistory,
  w: InstanceHistory,
  allowed: (e: Marker, w: Marker) => boolean,
): boolean {
  if (e.status !== w.status || outputWithoutMarkers(e.output) !== outputWithoutMarkers(w.output)) return false;
  const a = markersOf(e.output);
  const b = markersOf(w.output);
  if (!a || !b || a.length !== b.length) return false;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i].step !== b[i].step) return false;
    if (canonical(a[i]) === canonical(b[i])) continue;
    differing++;
    if (!allowed(a[i], b[i])) return false;
  }
  return differing > 0;
}

const caughtMessage = (m: Marker): string | undefined =>
  typeof m.caught?.message === "string" ? m.caught.message : undefined;

function instancePair(diff: Difference, context: RuleContext): [InstanceHistory, InstanceHistory] | null {
  const e = context.emulator.instances.find((i) => i.ref === diff.instance);
  const w = context.workerd.instances.find((i) => i.ref === diff.instance);
  return e && w ? [e, w] : null;
}

/** The names the scenario's plans give their event waits (every other step name is a `do`). */
function waitNames(s: Scenario): Set<string> {
  return new Set(
    s.commands.flatMap((c) => (c.kind === "create" ? c.plan.flatMap((a) => ("wait" in a ? [a.wait] : [])) : [])),
  );
}

/**
 * The two step sequences have the same names in the same order, and every position where they differ passes
 * `allowed`. False when they do not differ at all.
 */
function differOnlyWhere(
  a: StepHistory[],
  b: StepHistory[],
  allowed: (x: StepHistory, y: StepHistory) => boolean,
): boolean {
  if (a.length !== b.length) return false;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i].step !== b[i].step) return false;
    if (JSON.stringify(a[i]) === JSON.stringify(b[i])) continue;
    differing++;
    if (!allowed(a[i], b[i])) return false;
  }
  return differing > 0;
}

/** A step difference of one instance with the same final status on both targets, in a scenario with a crash. */
function stepsAfterCrash(diff: Difference, context: RuleContext): [InstanceHistory, InstanceHistory] | null {
  if (diff.field !== "steps" || !hasCrash(context.scenario)) return null;
  const pair = instancePair(diff, context);
  return pair && pair[0].status === pair[1].status ? pair : null;
}

/** Rules for what the local engine does around a pause and a replay (docs/profiles.md); appended to the list. */
const PAUSE_AND_REPLAY_RULES: readonly ExplanationRule[] = [
  {
    id: "pause-lands-at-another-moment",
    reason:
      "Real time vs virtual time at a pause (WF-80, docs/profiles.md 'a pause while run() is in a step'): on the local engine a pause that takes " +
      "effect while run() waits in a step call (a retry wait, a sleep, an event wait, or a step.do whose attempt just ended) rejects that call " +
      "with 'Aborting engine: User called pause', which the probe catches for a step planned to fail every attempt and for an event wait. Both " +
      "targets do this; they differ in where the pause lands. On workerd it lands wherever the real-time run is (before the step, between two " +
      "attempts, after the step was exhausted); in the emulator at a virtual instant, usually in the first retry wait. So the same marker is the " +
      "pause error on one target and the step's own outcome on the other.",
    explains(diff, context) {
      if ((diff.field !== "output" && diff.field !== "steps") || !hasPause(context.scenario)) return false;
      const pair = instancePair(diff, context);
      if (!pair) return false;
      return markersDifferOnlyWhere(
        pair[0],
        pair[1],
        (e, w) => (caughtMessage(e) === PAUSE_ERROR_MESSAGE) !== (caughtMessage(w) === PAUSE_ERROR_MESSAGE),
      );
    },
  },
  {
    id: "event-wait-timeout-replayed-after-crash",
    reason:
      "Real time vs virtual time across a crash, seen through the stored timeout (docs/profiles.md 'a replayed step error' and 'after a crash', " +
      "LE-06, LE-07, WF-63): the local engine caches a timed-out wait's WorkflowTimeoutError with V8 serialization, which drops the name, so a " +
      "lifetime that times the wait out sees 'WorkflowTimeoutError: Execution timed out after 330ms' and a later lifetime that replays it sees " +
      "'Execution timed out after 330ms'. A workerd restart takes longer than the scaled timeout, so there the wait usually times out before the " +
      "last restart and the final lifetime replays it; a crash takes no virtual time in the emulator, so the wait times out in the final lifetime " +
      "(or the other way round when a timeout and a crash coincide). The same wait then times out on both, with and without the prefix.",
    explains(diff, context) {
      if (diff.field !== "output" || !hasCrash(context.scenario)) return false;
      const pair = instancePair(diff, context);
      if (!pair) return false;
      const waits = waitNames(context.scenario);
      return markersDifferOnlyWhere(pair[0], pair[1], (e, w) => {
        const a = caughtMessage(e);
        const b = caughtMessage(w);
        if (!waits.has(String(e.step)) || a === undefined || b === undefined) return false;
        if (canonical({ ...e, caught: null }) !== canonical({ ...w, caught: null })) return false;
        return a === TIMEOUT_PREFIX + b || b === TIMEOUT_PREFIX + a;
      });
    },
  },
];

export const EXPLANATION_RULES: readonly ExplanationRule[] = [
  {
    id: "interrupted-attempt-counts",
    reason:
      "WF-90 / §E.9 (docs/profiles.md, 'attempt interrupted by a crash'): on the local engine an attempt a crash interrupts counts as an attempt, " +
      "and the next one runs at once. On workerd a crash is a real restart that lands in the middle of whatever attempt is running in real time; " +
      "in the emulator it lands at a virtual instant, usually between attempts. So after a crash the same step (same name, same place) may report " +
      "a higher attempt number on workerd, or succeed on one target on an attempt past the retry limit where the other caught the exhausted step.",
    explains(diff, context) {
      const pair = stepsAfterCrash(diff, context);
      if (!pair) return false;
      const waits = waitNames(context.scenario);
      return differOnlyWhere(pair[0].steps, pair[1].steps, (e, w) => {
        if (waits.has(e.step) || e.event !== undefined || w.event !== undefined) return false;
        if (e.attempt !== undefined && w.attempt !== undefined) return w.attempt > e.attempt;
        return (e.caught === undefined) !== (w.caught === undefined); // one succeeded (extra attempt), one exhausted
      });
    },
  },
  {
    id: "event-wait-timeout-after-crash",
    reason:
      "Real time vs virtual time across a crash (docs/profiles.md 'after a crash', LE-07; docs/targets.md): on workerd a crash is a real restart " +
      "of workerd that takes longer than a scaled event-wait timeout (330 ms for the scenarios' 1 hour), and the local engine, replaying the wait " +
      "after the restart, finds its timeout in the past and times it out (workflows-shared context.ts `checkIfExistedInPast`). In the emulator a " +
      "crash takes no virtual time, so the same wait is still open when the scenario's event arrives. The wait then times out on one target and " +
      "receives the event on the other (and the event goes to the next wait of that type, if any).",
    explains(diff, context) {
      const pair = stepsAfterCrash(diff, context);
      if (!pair) return false;
      const waits = waitNames(context.scenario);
      return differOnlyWhere(pair[0].steps, pair[1].steps, (e, w) => {
        if (!waits.has(e.step)) return false;
        return (e.caught !== undefined && w.event !== undefined) || (e.event !== undefined && w.caught !== undefined);
      });
    },
  },
  ...PAUSE_AND_REPLAY_RULES,
];

export function explainingRule(
  diff: Difference,
  context: RuleContext,
  rules: readonly ExplanationRule[] = EXPLANATION_RULES,
): ExplanationRule | undefined {
  return rules.find((rule) => rule.explains(diff, context));
}
