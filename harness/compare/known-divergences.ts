/**
 * Differences between the emulator (local profile) and local workerd that are understood: each rule has an id, the
 * reason (docs/profiles.md, spec §E, docs/compare.md) and a predicate over one difference in the context of both
 * histories and the scenario. A difference no rule explains is "unexplained" (harness/compare/compare.ts).
 *
 * Add a rule only for a difference you understand and can explain; never to make a run green.
 */
import type { Scenario } from "../../suites/properties/scenario.ts";
import type { Difference } from "./diff.ts";
import type { History, InstanceHistory, StepRecord } from "./history.ts";

export interface RuleContext {
  scenario: Scenario;
  emulator: History;
  workerd: History;
}

export interface KnownDivergence {
  id: string;
  reason: string;
  explains(diff: Difference, context: RuleContext): boolean;
}

const hasCrash = (s: Scenario) => s.commands.some((c) => c.kind === "crash");

function instancePair(diff: Difference, context: RuleContext): [InstanceHistory, InstanceHistory] | null {
  const e = context.emulator.instances.find((i) => i.ref === diff.instance);
  const w = context.workerd.instances.find((i) => i.ref === diff.instance);
  return e && w ? [e, w] : null;
}

/** The names the scenario's plans give their event waits (every other step name is a `do`). */
function waitNames(s: Scenario): Set<string> {
  return new Set(s.commands.flatMap((c) => (c.kind === "create" ? c.plan.flatMap((a) => ("wait" in a ? [a.wait] : [])) : [])));
}

/**
 * The two step sequences have the same names in the same order, and every position where they differ passes
 * `allowed`. False when they do not differ at all.
 */
function differOnlyWhere(a: StepRecord[], b: StepRecord[], allowed: (x: StepRecord, y: StepRecord) => boolean): boolean {
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

export const KNOWN_DIVERGENCES: readonly KnownDivergence[] = [
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
];

export function explainingRule(diff: Difference, context: RuleContext, rules: readonly KnownDivergence[] = KNOWN_DIVERGENCES): KnownDivergence | undefined {
  return rules.find((rule) => rule.explains(diff, context));
}
