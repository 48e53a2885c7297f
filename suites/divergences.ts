/**
 * Known differences per target: a case listed here is expected to FAIL on that target, for the reason given
 * (usually a production-vs-local difference from the spec's §E, see docs/profiles.md). A listed case that passes
 * fails the run until it is removed (harness/run-case.ts).
 */
export const DIVERGENCES: Record<string, Record<string, string>> = {
  "emulator-production": {},
  "emulator-local": {
    "routing/reload-after-eviction":
      "The local engine never hibernates (WF-08, docs/profiles.md): run() stays alive across the sleep in the isolate it started in, so evicting the cached isolate does not reload anything until the next replay.",
  },
  workerd: {},
};

export function knownDivergence(target: string, caseId: string, list: Record<string, Record<string, string>> = DIVERGENCES): string | undefined {
  return list[target]?.[caseId];
}
