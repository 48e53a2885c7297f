/**
 * Merges the shards of one fuzz run (`dwc fuzz --shard i/n`, one CI job each) back into that run. Shards merge only
 * when they belong together — same subject, seed, runs, batch size and profiles — and only when together they
 * cover every batch exactly once: a missing shard (a job that died before uploading) would otherwise make a smaller
 * run look like the whole one. Counts add up batch by batch, so the merged scenarios and coverage equal the
 * unsharded run's; vacuity is judged again over the whole, as the unsharded run judges it.
 */
import { emptyStats, mergeStats, vacuity } from "../../simulation/fuzz-stats.ts";
import { type FuzzProfileResult, type FuzzResultsJson, fuzzVerdict } from "./fuzz-results.ts";
import { MergeError } from "./merge-results.ts";

export function mergeFuzzResults(runs: readonly FuzzResultsJson[], sources: readonly string[]): FuzzResultsJson {
  if (runs.length === 0) throw new MergeError("no fuzz results to merge");
  const first = runs[0];
  const profilesOf = (run: FuzzResultsJson) => run.profiles.map((p) => p.profile).join(",");
  runs.forEach((run, i) => {
    const same: Array<[string, unknown, unknown]> = [
      ["dispatcher", run.subject.dispatcher, first.subject.dispatcher],
      ["library", run.subject.library, first.subject.library],
      ["seed", run.seed, first.seed],
      ["runs", run.runs, first.runs],
      ["batch", run.batch, first.batch],
      ["profiles", profilesOf(run), profilesOf(first)],
    ];
    for (const [field, mine, theirs] of same)
      if (mine !== theirs)
        throw new MergeError(
          `${sources[i]} fuzzed with ${field} ${mine} but ${sources[0]} with ${theirs}: only shards of one fuzz run merge (same --seed, --runs, --batch, --profile and dispatcher)`,
        );
  });

  // Batch ranges in order must tile [0, total) with no gap and no overlap.
  const total = Math.ceil(first.runs / first.batch);
  const order = runs
    .map((run, i) => ({ run, source: sources[i] }))
    .sort((a, b) => a.run.batches.start - b.run.batches.start);
  let covered = 0;
  for (const { run, source } of order) {
    const shard = run.shard ? ` (shard ${run.shard.index}/${run.shard.count})` : "";
    if (run.batches.start > covered)
      throw new MergeError(
        `fuzz batches ${covered + 1}–${run.batches.start} of ${total} are in no file: a shard is missing (every shard's fuzz-results.json must be given)`,
      );
    if (run.batches.start < covered)
      throw new MergeError(`${source}${shard} repeats batches already covered: each shard may be given once`);
    covered = run.batches.end;
  }
  if (covered < total)
    throw new MergeError(
      `fuzz batches ${covered + 1}–${total} of ${total} are in no file: a shard is missing (every shard's fuzz-results.json must be given)`,
    );

  const profiles: FuzzProfileResult[] = first.profiles.map(({ profile }) => {
    const parts = order.map(({ run }) => run.profiles.find((p) => p.profile === profile)!);
    const stats = parts.reduce((into, p) => mergeStats(into, p.stats), emptyStats());
    // The unsharded run reports the violation of the lowest-numbered failing batch: the earliest shard's.
    const violation = parts.find((p) => p.violation)?.violation;
    const merged: FuzzProfileResult = {
      profile,
      scenarios: parts.reduce((sum, p) => sum + p.scenarios, 0),
      vacuity: violation ? [] : vacuity(stats),
      stats,
    };
    if (violation) merged.violation = violation;
    return merged;
  });
  const starts = runs.map((r) => Date.parse(r.startedAt));
  const ends = runs.map((r, i) => starts[i] + r.durationMs);
  return {
    kind: "fuzz",
    version: first.version,
    startedAt: new Date(Math.min(...starts)).toISOString(),
    durationMs: Math.max(...ends) - Math.min(...starts),
    verdict: fuzzVerdict(profiles),
    subject: first.subject,
    seed: first.seed,
    runs: first.runs,
    batch: first.batch,
    batches: { start: 0, end: total },
    profiles,
  };
}
