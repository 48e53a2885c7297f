/**
 * Known differences per target: a case listed here is expected to FAIL on that target, for the reason given
 * (usually a production-vs-local difference from the spec's §E, see docs/profiles.md). A listed case that passes
 * fails the run until it is removed (suites/run-case.ts).
 */
export const DIVERGENCES: Record<string, Record<string, string>> = {
  "emulator-production": {},
  "emulator-local": {
    "routing/reload-after-eviction":
      "The local engine never hibernates (WF-08, docs/profiles.md): run() stays alive across the sleep in the isolate it started in, so evicting the cached isolate does not reload anything until the next replay.",
  },
  workerd: {
    "lifecycle/delete-instance":
      "miniflare 4.20260730 (the local workerd in node_modules) bundles a workflows-shared without delete: its Workflow binding's instance handle has no delete() and the binding no deleteBatch (wrapped-binding.worker.js), so the call is a TypeError. workers-sdk added them in workflows-shared 0.13 (spec §E.14, WF-77); the emulator's local profile follows that spec snapshot, whose local engine has them.",
    "bad-input/sleep-invalid-duration":
      'The local engine (workers-sdk workflows-shared, as bundled in miniflare 4.20260730) parses a string duration with itty-time 2.0.2, which multiplies by 1 for a unit it does not know: "5 parsecs" is 5 ms, so the sleep passes and the instance completes with no error (WF-33: the local engine uses itty-time ms()). The documented format allows only second…year; the emulator refuses other units in both profiles, so here its local profile is stricter than the real local engine.',
  },
  remote: {
    "bad-input/tenant-code-syntax-error":
      "A deployment serves tenant code from its own TENANTS worker (the probe, for any tenant id); the harness's registry is never sent to it, so a case cannot deploy broken code to a tenant there (targets/remote-target.ts).",
    "bad-input/tenant-code-throws-at-top-level":
      "A deployment serves tenant code from its own TENANTS worker (the probe, for any tenant id); the harness's registry is never sent to it, so a case cannot deploy broken code to a tenant there (targets/remote-target.ts).",
  },
};

export function knownDivergence(
  target: string,
  caseId: string,
  list: Record<string, Record<string, string>> = DIVERGENCES,
): string | undefined {
  return list[target]?.[caseId];
}

/**
 * Known differences found by the property tests (random scenarios, suites/properties/invariants.ts) on a target: an
 * invariant violation that matches an entry here, in a scenario with what `needs` says, is that target's known
 * behaviour, counted and printed, not a failure. Each entry has a fixed scenario that must still show it (a ratchet:
 * test/simulation/workerd.property.test.ts fails when the target stops doing it, so the entry goes).
 */
export interface KnownViolation {
  id: string;
  /** The violation text, as checkOutputInvariants words it. */
  matches: RegExp;
  /** The scenario had a crash (a restart, on workerd). */
  needsCrash: boolean;
  reason: string;
}

export const PROPERTY_DIVERGENCES: Record<string, KnownViolation[]> = {
  workerd: [
    {
      id: "event-redelivered-after-restart",
      matches: /^events: instance #\d+ \(\w+\) received event \d+ twice$/,
      needsCrash: true,
      reason:
        "The local engine bundled with miniflare 4.20260730 (workflows-shared, binding.worker.js Engine.receiveEvent) stores every event it receives (storeEventMap) and, when a waiter takes it, removes it from memory only; storage keeps it. After a restart, restoreEventMap reloads it: the replayed first waitForEvent returns its cached result and the next waitForEvent of the same type takes the same event again. WF-64 says each event is consumed by exactly one waiter; the emulator's local profile keeps to it.",
    },
  ],
};

/** Splits a scenario's violations on `target` into the known ones (with their entry) and the rest. */
export function knownViolations(
  target: string,
  violations: readonly string[],
  scenario: { crashes: number },
  list: Record<string, KnownViolation[]> = PROPERTY_DIVERGENCES,
): { known: { violation: string; id: string }[]; unknown: string[] } {
  const known: { violation: string; id: string }[] = [];
  const unknown: string[] = [];
  for (const violation of violations) {
    const entry = list[target]?.find((e) => e.matches.test(violation) && (!e.needsCrash || scenario.crashes > 0));
    if (entry) known.push({ violation, id: entry.id });
    else unknown.push(violation);
  }
  return { known, unknown };
}
