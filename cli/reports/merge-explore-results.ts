/**
 * Merges the shards of one `dwc explore` run (`--shard i/n`, one CI job each) back into that run. Shards merge only
 * when they belong together — same seed, profile and shard count — and only when every shard 1…n is there exactly
 * once: a missing shard (a job that died before uploading) would otherwise make a smaller run look like the whole
 * one, so it is named. Each workflow × input case belongs to one shard; one found twice is an error. Vacuity and
 * determinism differences are kept from every shard, and the merged file has no `shard` (it is the whole run).
 */
import type { ExploreResult } from "../../simulation/explore/explore-result.ts";
import { caseName } from "./explore-results.ts";
import { MergeError } from "./merge-results.ts";

export function mergeExploreResults(runs: readonly ExploreResult[], sources: readonly string[]): ExploreResult {
  if (runs.length === 0) throw new MergeError("no explore results to merge");
  const first = runs[0];
  if (runs.length === 1 && !first.shard) return first;
  const count = first.shard?.count;
  runs.forEach((run, i) => {
    const same: Array<[string, unknown, unknown]> = [
      ["seed", run.seed, first.seed],
      ["profile", run.profile, first.profile],
      ["shard count", run.shard?.count ?? "none (an unsharded run)", count ?? "none (an unsharded run)"],
    ];
    for (const [field, mine, theirs] of same)
      if (mine !== theirs)
        throw new MergeError(
          `${sources[i]} explored with ${field} ${mine} but ${sources[0]} with ${theirs}: only the shards of one explore run merge (same --seed, --profile and --shard i/n)`,
        );
  });
  if (count === undefined)
    throw new MergeError(
      `${sources[1]} and ${sources[0]} are two whole explore runs: only the shards of one run (--shard i/n) merge`,
    );
  const byIndex = new Map<number, string>();
  runs.forEach((run, i) => {
    const index = run.shard!.index;
    const earlier = byIndex.get(index);
    if (earlier !== undefined)
      throw new MergeError(
        `shard ${index}/${count} is given twice (${earlier} and ${sources[i]}): give each shard once`,
      );
    byIndex.set(index, sources[i]);
  });
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new MergeError(
      `explore shard${missing.length === 1 ? "" : "s"} ${missing.map((i) => `${i}/${count}`).join(", ")} ${missing.length === 1 ? "is" : "are"} missing (given: ${[
        ...byIndex.keys(),
      ]
        .sort((a, b) => a - b)
        .map((i) => `${i}/${count}`)
        .join(", ")}): every shard's explore-results.json must be given`,
    );

  const order = runs
    .map((run, i) => ({ run, source: sources[i] }))
    .sort((a, b) => a.run.shard!.index - b.run.shard!.index);
  const seen = new Map<string, string>();
  const cases: ExploreResult["cases"] = [];
  for (const { run, source } of order)
    for (const c of run.cases) {
      const earlier = seen.get(caseName(c));
      if (earlier !== undefined)
        throw new MergeError(`${caseName(c)} is in both ${earlier} and ${source}: each case belongs to one shard`);
      seen.set(caseName(c), source);
      cases.push(c);
    }
  const withDeterminism = order.filter(({ run }) => run.determinism);
  const merged: ExploreResult = {
    version: first.version,
    seed: first.seed,
    profile: first.profile,
    cases,
    vacuity: [...new Set(order.flatMap(({ run }) => run.vacuity))],
    // The shards ran side by side: the longest is the whole run's wall time.
    durationMs: Math.max(...runs.map((r) => r.durationMs)),
    command: first.command.replace(/\s--shard\s+\S+/, ""),
  };
  if (withDeterminism.length > 0)
    merged.determinism = {
      schedules: withDeterminism.reduce((n, { run }) => n + run.determinism!.schedules, 0),
      differences: withDeterminism.flatMap(({ run }) => run.determinism!.differences),
    };
  return merged;
}
