/**
 * Merges the results.json of several runs into one matrix — the CI pattern where each target runs in its own job
 * (emulator in one, workerd in another, a deployment in a third) and one report is wanted at the end.
 *
 * Only runs of the same subject merge (a matrix mixing two dispatchers or library versions would say something
 * false), and a (case, target) cell may come from one run only: two answers for one cell is an error, not a
 * silent pick. Summary, findings and verdict are recomputed from the merged results. Runs compared with a baseline
 * merge their comparisons (each judged only the cells it ran, so the union is the whole run's); one run with a
 * baseline and one without is refused, since the merged verdict would hold for part of the matrix only.
 */
import { collectFindings, isFailureStatus, summarize, type BaselineOutcome, type ResultsJson } from "./results.ts";

export class MergeError extends Error {
  override name = "MergeError";
}

/** `sources` are the files' names, for error messages (same order as `runs`). */
export function mergeResults(runs: readonly ResultsJson[], sources: readonly string[]): ResultsJson {
  if (runs.length === 0) throw new MergeError("nothing to merge");
  if (runs.length === 1) return runs[0];
  const first = runs[0];
  runs.forEach((run, i) => {
    for (const field of ["dispatcher", "library"] as const) {
      if (run.subject[field] !== first.subject[field]) {
        throw new MergeError(
          `${sources[i]} tested ${field} ${run.subject[field]} but ${sources[0]} tested ${first.subject[field]}: only runs of the same subject merge into one matrix`,
        );
      }
    }
  });

  const targets = new Map<string, ResultsJson["targets"][number]>();
  const cases = new Map<string, ResultsJson["cases"][number]>();
  const cellSource = new Map<string, string>();
  const results: ResultsJson["results"] = [];
  runs.forEach((run, i) => {
    for (const t of run.targets) if (!targets.has(t.name)) targets.set(t.name, t);
    for (const c of run.cases) if (!cases.has(c.id)) cases.set(c.id, c);
    for (const r of run.results) {
      const cell = `${r.caseId} on ${r.target}`;
      const earlier = cellSource.get(cell);
      if (earlier !== undefined)
        throw new MergeError(
          `${cell} is in both ${earlier} and ${sources[i]}: each case × target may come from one run only`,
        );
      cellSource.set(cell, sources[i]);
      results.push(r);
    }
  });

  const baseline = mergeBaselines(runs, sources);
  const starts = runs.map((r) => Date.parse(r.startedAt));
  const ends = runs.map((r, i) => starts[i] + r.durationMs);
  const merged: ResultsJson = {
    version: first.version,
    startedAt: new Date(Math.min(...starts)).toISOString(),
    // Wall time from the first start to the last end: the jobs may have run in parallel.
    durationMs: Math.max(...ends) - Math.min(...starts),
    verdict:
      results.some((r) => isFailureStatus(r.status)) || (baseline && baseline.new.length + baseline.gone.length > 0)
        ? "fail"
        : "pass",
    subject: first.subject,
    targets: [...targets.values()],
    cases: [...cases.values()],
    results,
    summary: summarize([...targets.keys()], results),
    findings: collectFindings(results, baseline),
  };
  if (baseline) merged.baseline = baseline;
  return merged;
}

function mergeBaselines(runs: readonly ResultsJson[], sources: readonly string[]): BaselineOutcome | undefined {
  const withBaseline = runs.filter((r) => r.baseline !== undefined);
  if (withBaseline.length === 0) return undefined;
  const i = runs.findIndex((r) => r.baseline === undefined);
  if (i >= 0)
    throw new MergeError(
      `${sources[i]} was not compared with a baseline but ${sources[runs.indexOf(withBaseline[0])]} was: run every part with the same --baseline`,
    );
  return {
    file: withBaseline[0].baseline!.file,
    acknowledged: withBaseline.reduce((n, r) => n + r.baseline!.acknowledged, 0),
    new: withBaseline.flatMap((r) => r.baseline!.new),
    gone: withBaseline.flatMap((r) => r.baseline!.gone),
  };
}
