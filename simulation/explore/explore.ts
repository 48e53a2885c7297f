/**
 * `explore(request)`: runs tenants' own workflows under fault schedules and checks the oracles (issue #16).
 * Placeholder until the engine lands: it explores nothing, so it reports every case as an error and the run as
 * vacuous — never a green.
 */
import type { ExploreRequest, ExploreResult } from "./explore-result.ts";

export async function explore(request: ExploreRequest): Promise<ExploreResult> {
  return {
    version: 1,
    seed: request.seed,
    profile: request.profile,
    cases: [],
    vacuity: ["the exploration engine is not built yet: nothing was explored"],
    durationMs: 0,
    command: request.replayPrefix,
  };
}
