/**
 * Fault coverage: each fault a scenario injects, matched to the effect it must have had. A fuzz batch that injects a
 * fault kind which never takes effect tested nothing about it (a dispatcher using uncached `LOADER.load()` makes
 * every eviction a no-op, say), so the batch fails (an Antithesis-style "sometimes" assertion: each kind injected in
 * a batch must take effect at least once in it). Read from the trace, so only on targets that have one.
 */
import type { ScenarioObservation } from "./observation.ts";

export const FAULT_KINDS = ["evict", "crash", "hibernate", "loaderFailure"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each kind's "took effect" means, for the report and the failure message. */
export const FAULT_EFFECTS: Record<FaultKind, string> = {
  evict: "a later getCode of an evicted id before any crash (a fresh isolate, new module state)",
  crash: "a recovery replay after the crash that skipped a committed step",
  hibernate: "a reload of the hibernated instance through the dispatcher (a later run)",
  loaderFailure: "a load or wake that failed with the injected failure",
};

export type FaultCounts = Record<FaultKind, { injected: number; effective: number }>;

export function emptyFaultCounts(): FaultCounts {
  return {
    evict: { injected: 0, effective: 0 },
    crash: { injected: 0, effective: 0 },
    hibernate: { injected: 0, effective: 0 },
    loaderFailure: { injected: 0, effective: 0 },
  };
}

export function addFaultCounts(into: FaultCounts, more: FaultCounts): FaultCounts {
  for (const kind of FAULT_KINDS) {
    into[kind].injected += more[kind].injected;
    into[kind].effective += more[kind].effective;
  }
  return into;
}

/** Per kind: how many the scenario injected, and how many of those show their effect in the trace. */
export function faultCoverage(observation: ScenarioObservation): FaultCounts {
  const counts = emptyFaultCounts();
  const trace = observation.trace;
  const injected = observation.injected ?? { evict: 0, crash: 0, loaderFailure: 0 };
  counts.evict.injected = injected.evict;
  counts.crash.injected = injected.crash;
  counts.loaderFailure.injected = injected.loaderFailure;
  trace.forEach((event, i) => {
    const later = trace.slice(i + 1);
    if (event.type === "fault" && event.kind === "evict") {
      // before the next crash, which would empty the loader's cache anyway (an eviction that kept the isolate
      // would be credited with the crash's reload)
      const dropped = new Set((event.detail ?? "").split(" "));
      const crash = later.findIndex((e) => e.type === "fault" && e.kind === "crash");
      const until = crash < 0 ? later : later.slice(0, crash);
      if (until.some((e) => e.type === "loader.getCode" && e.ok && dropped.has(e.id))) counts.evict.effective++;
    } else if (event.type === "fault" && event.kind === "crash") {
      if (later.some((e) => e.type === "step.cached")) counts.crash.effective++;
    } else if (event.type === "fault" && event.kind === "loaderFailure") {
      counts.loaderFailure.effective++;
    } else if (event.type === "hibernate") {
      counts.hibernate.injected++;
      if (later.some((e) => e.type === "run.start" && e.instance === event.instance)) counts.hibernate.effective++;
    }
  });
  // A fault fires at most once per injection; armed crash points that never fired are injected, not effective.
  for (const kind of ["evict", "crash", "loaderFailure"] as const)
    counts[kind].effective = Math.min(counts[kind].effective, counts[kind].injected);
  return counts;
}

/** Kinds injected in a batch that never took effect: the "sometimes" assertion. */
export function ineffectiveKinds(counts: FaultCounts): FaultKind[] {
  return FAULT_KINDS.filter((kind) => counts[kind].injected > 0 && counts[kind].effective === 0);
}

export function renderFaultTable(counts: FaultCounts, indent = "  "): string {
  const rows = FAULT_KINDS.map(
    (kind) =>
      `${indent}${kind.padEnd(14)}${String(counts[kind].injected).padStart(9)}${String(counts[kind].effective).padStart(11)}`,
  );
  return [`${indent}${"fault".padEnd(14)}${"injected".padStart(9)}${"effective".padStart(11)}`, ...rows].join("\n");
}
