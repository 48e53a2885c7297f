/**
 * `fuzz-results.json`, written by `dwc fuzz`: what one run (or one shard of it) did — the whole run's seed, runs and
 * batch size, which batches this shard owned, and per profile the scenarios run, the first violation, the vacuity
 * verdict and the coverage counts. `dwc report --from` merges the shards of one run back into the run
 * (merge-fuzz-results.ts): the counts add up, so the merged file says what the unsharded run would have said.
 */
import type { FuzzStats } from "../../simulation/fuzz-stats.ts";

export const FUZZ_RESULTS_VERSION = 1;
export const FUZZ_RESULTS_FILE = "fuzz-results.json";

export interface FuzzViolation {
  seed: number;
  path: string;
  violations: string[];
  /** The shrunk scenario, rendered. */
  scenario: string;
  replay: string;
}

export interface FuzzProfileResult {
  profile: "production" | "local";
  /** Scenarios generated and checked (fewer than the share when a violation or --time-limit stopped the run). */
  scenarios: number;
  violation?: FuzzViolation;
  /** Why the run tested nothing of some kind (empty when fine); judged again over all shards when merged. */
  vacuity: string[];
  stats: FuzzStats;
}

export interface FuzzResultsJson {
  kind: "fuzz";
  version: number;
  startedAt: string;
  durationMs: number;
  /** "fail" on a violation or a vacuous run in any profile. */
  verdict: "pass" | "fail";
  subject: { dispatcher: string; library: string };
  /** The whole run this belongs to: shards of one run share these three. */
  seed: number;
  runs: number;
  batch: number;
  /** Absent for an unsharded run, and for shards merged back into the whole. */
  shard?: { index: number; count: number };
  /** The batches [start, end) of the whole run's ceil(runs / batch) that this file covers. */
  batches: { start: number; end: number };
  profiles: FuzzProfileResult[];
}

export const fuzzVerdict = (profiles: readonly FuzzProfileResult[]): "pass" | "fail" =>
  profiles.some((p) => p.violation !== undefined || p.vacuity.length > 0) ? "fail" : "pass";

export class FuzzResultsFileError extends Error {
  override name = "FuzzResultsFileError";
}

/** Whether a parsed results file is a fuzz run's (the conformance results.json has no `kind`). */
export const isFuzzResults = (data: unknown): boolean =>
  typeof data === "object" && data !== null && (data as { kind?: unknown }).kind === "fuzz";

/** The fields merging relies on, checked with the name of the first wrong one. */
export function checkFuzzResults(data: unknown, file: string): FuzzResultsJson {
  const fail = (where: string, problem: string): never => {
    throw new FuzzResultsFileError(`${file}: ${where} ${problem}`);
  };
  const d = data as Record<string, unknown>;
  if (d.version !== FUZZ_RESULTS_VERSION)
    fail("version", `is ${JSON.stringify(d.version)}, this harness reads fuzz results version ${FUZZ_RESULTS_VERSION}`);
  for (const field of ["seed", "runs", "batch", "durationMs"] as const)
    if (typeof d[field] !== "number") fail(field, "must be a number");
  const batches = d.batches as { start?: unknown; end?: unknown } | undefined;
  if (typeof batches?.start !== "number" || typeof batches.end !== "number") fail("batches", "must be { start, end }");
  const subject = d.subject as { dispatcher?: unknown; library?: unknown } | undefined;
  if (typeof subject?.dispatcher !== "string" || typeof subject.library !== "string")
    fail("subject", "must be { dispatcher: string, library: string }");
  if (!Array.isArray(d.profiles) || d.profiles.length === 0) return fail("profiles", "must be a non-empty array");
  d.profiles.forEach((p: Record<string, unknown>, i) => {
    if (
      (p?.profile !== "production" && p?.profile !== "local") ||
      typeof p.scenarios !== "number" ||
      !Array.isArray(p.vacuity) ||
      typeof p.stats !== "object"
    )
      fail(`profiles[${i}]`, "must be { profile, scenarios, vacuity[], stats }");
  });
  return data as FuzzResultsJson;
}
