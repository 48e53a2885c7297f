/** `dwc fuzz --shard i/n`: the seed and scenario count of this shard's batches, announced before they run. */
import { UsageError } from "./commands/command.ts";
import { fuzzShare, type Shard } from "./shard.ts";

export function shardedFuzz(
  shard: Shard | undefined,
  seed: number,
  runs: number,
  batch: number,
): { seed: number; runs: number } {
  if (!shard) return { seed, runs };
  const share = fuzzShare(shard, seed, runs, batch);
  const total = Math.ceil(runs / batch);
  if (share.runs === 0) {
    throw new UsageError(
      `--shard ${shard.index}/${shard.count} gets no batch: ${runs} runs make ${total} batches of ${batch}; lower --batch or the shard count`,
      false,
    );
  }
  process.stdout.write(
    `shard ${shard.index}/${shard.count}: batches ${share.batches.start + 1}–${share.batches.end} of ${total} ` +
      `(seeds ${share.seed}–${seed + share.batches.end - 1}), ${share.runs} of ${runs} scenarios\n`,
  );
  return { seed: share.seed, runs: share.runs };
}
