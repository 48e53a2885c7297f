/**
 * `--shard i/n`: one of n machines' share of a run, so CI's matrix is the distributed engine (no scheduler here).
 * Shares are contiguous and deterministic: shard i of n gets items [floor((i-1)·N/n), floor(i·N/n)) of the N items
 * the unsharded run would do, so the union of the n shards is exactly the unsharded run.
 */
import { UsageError } from "./commands/command.ts";

export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n); undefined for no flag. Anything else is a usage error naming the flag. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. --shard 2/4), got "${value}"`);
  }
  return { index, count };
}

/** The half-open range [start, end) of `total` items that a shard owns. */
export function shardRange(shard: Shard | undefined, total: number): { start: number; end: number } {
  if (!shard) return { start: 0, end: total };
  return {
    start: Math.floor(((shard.index - 1) * total) / shard.count),
    end: Math.floor((shard.index * total) / shard.count),
  };
}

/**
 * A fuzz run's share: the pool runs batch b with seed `seed + b` and min(batch, runs − b·batch) scenarios, so the
 * batches [start, end) are exactly a run from seed `seed + start` of the scenarios those batches hold.
 */
export function fuzzShare(
  shard: Shard | undefined,
  seed: number,
  runs: number,
  batch: number,
): { seed: number; runs: number; batches: { start: number; end: number } } {
  const batches = shardRange(shard, Math.ceil(runs / batch));
  return {
    seed: seed + batches.start,
    runs: Math.max(0, Math.min(batches.end * batch, runs) - batches.start * batch),
    batches,
  };
}

/** A run's share of the case list; prints what it kept, since an empty slice must not look like a pass. */
export function shardCases<T>(shard: Shard | undefined, cases: readonly T[]): T[] {
  const { start, end } = shardRange(shard, cases.length);
  if (shard)
    process.stdout.write(`shard ${shard.index}/${shard.count}: cases ${start + 1}–${end} of ${cases.length}\n`);
  return cases.slice(start, end);
}
