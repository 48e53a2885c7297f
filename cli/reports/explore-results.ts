/**
 * `explore-results.json`, written by `dwc explore`: the engine's ExploreResult as it is
 * (simulation/explore/explore-result.ts). Here: its file names, the run's verdict, and the check `dwc report --from`
 * runs on a file read back (another machine, another harness version) before merging or rendering it.
 */
import type { ExploreCaseResult, ExploreResult } from "../../simulation/explore/explore-result.ts";

export const EXPLORE_RESULTS_FILE = "explore-results.json";
export const EXPLORE_JUNIT_FILE = "explore-junit.xml";
export const EXPLORE_HTML_FILE = "explore.html";
export const EXPLORE_RESULTS_VERSION = 1;

/**
 * "fail" on any finding or errored case, any determinism difference, and on a run that explored nothing: vacuity
 * listed by the engine, no case at all, or a case that ran no schedule (no false greens).
 */
export function exploreVerdict(result: ExploreResult): "pass" | "fail" {
  return exploreProblems(result).length > 0 ? "fail" : "pass";
}

/** Why the run fails, one line each (empty: it passes). */
export function exploreProblems(result: ExploreResult): string[] {
  const problems: string[] = [];
  for (const c of result.cases) {
    if (c.verdict !== "passed") problems.push(`${caseName(c)}: ${c.verdict} (${c.findings.length} findings)`);
    else if (c.exercised.schedules === 0) problems.push(`${caseName(c)}: passed without running a single schedule`);
  }
  const differences = result.determinism?.differences.length ?? 0;
  if (differences > 0) problems.push(`determinism: ${differences} schedules gave a different trace when run again`);
  if (result.cases.length === 0 && result.vacuity.length === 0) problems.push("no workflow × input was explored");
  for (const v of result.vacuity) problems.push(`vacuous: ${v}`);
  return problems;
}

export const caseName = (c: Pick<ExploreCaseResult, "workflow" | "input">): string => `${c.workflow} / ${c.input}`;

export class ExploreResultsFileError extends Error {
  override name = "ExploreResultsFileError";
}

/**
 * Whether parsed JSON is an explore run's: ExploreResult has no `kind`, so it is told apart from results.json
 * (`results`, `targets`) and fuzz-results.json (`kind: "fuzz"`) by its own fields.
 */
export function isExploreResults(data: unknown): boolean {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return d.kind === undefined && Array.isArray(d.cases) && Array.isArray(d.vacuity) && !("results" in d);
}

/** The fields merging and rendering rely on, checked with the name of the first wrong one. */
export function checkExploreResults(data: unknown, file: string): ExploreResult {
  const fail = (where: string, problem: string): never => {
    throw new ExploreResultsFileError(`${file}: ${where} ${problem}`);
  };
  const d = data as Record<string, unknown>;
  if (d.version !== EXPLORE_RESULTS_VERSION)
    fail(
      "version",
      `is ${JSON.stringify(d.version)}, this harness reads explore results version ${EXPLORE_RESULTS_VERSION}`,
    );
  for (const field of ["seed", "durationMs"] as const)
    if (typeof d[field] !== "number") fail(field, "must be a number");
  if (d.profile !== "production" && d.profile !== "local") fail("profile", "must be production or local");
  if (typeof d.command !== "string") fail("command", "must be a string");
  const shard = d.shard as { index?: unknown; count?: unknown } | undefined;
  if (shard !== undefined && (typeof shard.index !== "number" || typeof shard.count !== "number"))
    fail("shard", "must be { index, count }");
  (d.cases as Record<string, unknown>[]).forEach((c, i) => {
    if (
      typeof c?.workflow !== "string" ||
      typeof c.input !== "string" ||
      !["passed", "failed", "error"].includes(c.verdict as string) ||
      !Array.isArray(c.findings) ||
      !Array.isArray(c.coverage) ||
      !Array.isArray(c.atLeastOnce) ||
      typeof c.exercised !== "object"
    )
      fail(`cases[${i}]`, "must be { workflow, input, verdict, findings[], coverage[], atLeastOnce[], exercised }");
  });
  return data as unknown as ExploreResult;
}
