/**
 * What a fuzz run exercised, and the check that it exercised anything: a run that created no instance, or whose
 * injected faults never took effect, is green without having tested what it claims, so it fails (vacuity).
 * Counted over the generated scenarios only (the shrinker's re-runs of a failure are left out).
 */
import type { ScenarioObservation } from "../suites/properties/observation.ts";
import {
  addFaultCounts,
  emptyFaultCounts,
  FAULT_EFFECTS,
  faultCoverage,
  ineffectiveKinds,
  renderFaultTable,
  type FaultCounts,
  type FaultKind,
} from "../suites/properties/fault-coverage.ts";

export interface FuzzStats {
  scenarios: number;
  created: number;
  completed: number;
  /** Instances that ended errored or terminated (a fault or a command caused it). */
  faulted: number;
  /** WF-43: rollback handlers that ran to their commit (white-box: from the trace; absent in older results). */
  rollbacks?: number;
  faults: FaultCounts;
  /** Per fault kind, the first scenario (rendered) that injected it without effect: what a vacuity failure shows. */
  firstIneffective: Partial<Record<FaultKind, string>>;
}

export function emptyStats(): FuzzStats {
  return {
    scenarios: 0,
    created: 0,
    completed: 0,
    faulted: 0,
    rollbacks: 0,
    faults: emptyFaultCounts(),
    firstIneffective: {},
  };
}

export function countScenario(stats: FuzzStats, observation: ScenarioObservation, rendered: () => string): void {
  stats.scenarios++;
  // White-box, the engine may hold an instance whose create answered with a fault (a crash mid-request).
  stats.created += Math.max(observation.created ?? 0, observation.instances.length);
  stats.completed += observation.instances.filter((i) => i.status === "complete").length;
  stats.faulted += observation.instances.filter((i) => i.status === "errored" || i.status === "terminated").length;
  stats.rollbacks = (stats.rollbacks ?? 0) + observation.trace.filter((e) => e.type === "rollback.commit").length;
  const faults = faultCoverage(observation);
  addFaultCounts(stats.faults, faults);
  for (const kind of ineffectiveKinds(faults)) stats.firstIneffective[kind] ??= rendered();
}

export function mergeStats(into: FuzzStats, more: FuzzStats): FuzzStats {
  into.scenarios += more.scenarios;
  into.created += more.created;
  into.completed += more.completed;
  into.faulted += more.faulted;
  into.rollbacks = (into.rollbacks ?? 0) + (more.rollbacks ?? 0);
  addFaultCounts(into.faults, more.faults);
  for (const [kind, scenario] of Object.entries(more.firstIneffective))
    into.firstIneffective[kind as FaultKind] ??= scenario;
  return into;
}

/** Why the run tested nothing (of some kind); empty when it exercised everything it injected. */
export function vacuity(stats: FuzzStats): string[] {
  if (stats.scenarios === 0) return [];
  const out: string[] = [];
  if (stats.created === 0)
    out.push(
      `no instance was created in ${stats.scenarios} scenarios: every create was refused or failed, so nothing was tested`,
    );
  for (const kind of ineffectiveKinds(stats.faults)) {
    out.push(
      `fault coverage: "${kind}" was injected ${stats.faults[kind].injected} times in ${stats.scenarios} scenarios and never took effect ` +
        `(expected ${FAULT_EFFECTS[kind]}). First scenario that shows it:\n${stats.firstIneffective[kind] ?? "(none recorded)"}`,
    );
  }
  return out;
}

export function describeStats(stats: FuzzStats): string {
  return [
    `  ${stats.scenarios} scenarios: ${stats.created} instances created, ${stats.completed} completed, ${stats.faulted} faulted (errored/terminated), ${stats.rollbacks ?? 0} rollbacks run`,
    renderFaultTable(stats.faults, "    "),
  ].join("\n");
}
