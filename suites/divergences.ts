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
