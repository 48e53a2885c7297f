/**
 * `explore(request)`: runs tenants' own workflows under fault schedules and checks the oracles (issue #16;
 * docs/explore.md "How exploration works"). Per workflow × input (this shard's share): the fault-free run, every
 * systematic schedule, random ones (explore-case.ts); then, when asked, a determinism check that runs a sample of
 * schedules twice and compares their trace hashes (determinism.ts). A case that exercised nothing — no step ran, or
 * no fault landed though there were places for one — is listed in `vacuity`, and never passes. With `workers` > 1, the
 * schedules run ahead on worker threads (schedule-pool.ts) and are judged here in the same order: the same findings.
 */
import { checkDeterminism } from "./determinism.ts";
import { exploreCase, type CaseOutcome } from "./explore-case.ts";
import type { ExploreCaseResult, ExploreRequest, ExploreResult } from "./explore-result.ts";
import { SchedulePool } from "./schedule-pool.ts";

export async function explore(request: ExploreRequest): Promise<ExploreResult> {
  const started = performance.now();
  const outcomes: CaseOutcome[] = [];
  const vacuity: string[] = [];
  let index = 0;
  const pool = (request.workers ?? 1) > 1 && !request.replay ? new SchedulePool(request.workers!) : undefined;
  try {
    await exploreCases();
  } finally {
    await pool?.close();
  }
  async function exploreCases(): Promise<void> {
    for (const workflow of request.workflows) {
      if (request.replay && request.replay.workflow !== workflow.name) continue;
      for (const input of workflow.inputs) {
        if (request.replay && request.replay.input !== input.name) continue;
        const mine = !request.shard || index % request.shard.count === request.shard.index;
        index++;
        if (!mine) continue;
        const outcome = await exploreCase(request, workflow, input, pool);
        outcomes.push(outcome);
        const why = vacuous(outcome.result, outcome.space?.steps.length ?? 0);
        if (why) {
          vacuity.push(`${workflow.name} × ${input.name}: ${why}`);
          if (outcome.result.verdict === "passed") outcome.result.verdict = "failed";
        }
      }
    }
  }
  if (request.replay && outcomes.length === 0)
    vacuity.push(
      `--workflow ${request.replay.workflow} --input ${request.replay.input}: no such workflow and input in the configuration`,
    );
  if (outcomes.length === 0 && !request.replay && !request.shard)
    vacuity.push("no workflow × input to explore: the configuration's explore section lists none");
  const result: ExploreResult = {
    version: 1,
    seed: request.seed,
    ...(request.shard ? { shard: request.shard } : {}),
    profile: request.profile,
    cases: outcomes.map((o) => o.result),
    vacuity,
    durationMs: 0,
    command: request.replayPrefix,
  };
  if (request.checkDeterminism && request.checkDeterminism > 0)
    result.determinism = await checkDeterminism(outcomes, request.checkDeterminism, request.seed);
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

function vacuous(result: ExploreCaseResult, places: number): string | undefined {
  if (result.verdict === "error") return undefined; // the error says why; it already fails the run
  const e = result.exercised;
  if (e.stepAttempts === 0) return "no step ran in any schedule: nothing was explored";
  if (places > 0 && e.faultsInjected > 0 && e.faultsEffective === 0)
    return `${e.faultsInjected} faults were scheduled and none landed: the faulted runs tested nothing more than the fault-free one`;
  return undefined;
}
