/**
 * Fuzzing over worker threads (simulation/fuzz-pool.ts): the batches and their seeds do not depend on the
 * number of workers, and a violation found in a worker is the same report, with the same replay command, as the
 * one a single-threaded run of that batch gives.
 */
import { describe, expect, it } from "vitest";
import { describeFailure, fuzz } from "../../simulation/fuzz.ts";
import { fuzzInPool } from "../../simulation/fuzz-pool.ts";

describe("fuzzInPool", () => {
  it("runs the same batches (seed + b, batchSize each) with 1 worker and with 2", async () => {
    const seen = { 1: [] as Array<[number, number]>, 2: [] as Array<[number, number]> };
    for (const workers of [1, 2] as const) {
      const result = await fuzzInPool({
        profile: "production",
        runs: 25,
        seed: 40,
        batchSize: 10,
        workers,
        onBatch: ({ seed, result: batch }) => seen[workers].push([seed, batch.runs]),
      });
      expect(result).toMatchObject({ ok: true, runs: 25, workers });
    }
    const sorted = (list: Array<[number, number]>) => [...list].sort((a, b) => a[0] - b[0]);
    expect(sorted(seen[1])).toEqual([
      [40, 10],
      [41, 10],
      [42, 5],
    ]);
    expect(sorted(seen[2])).toEqual(sorted(seen[1]));
  }, 120_000);

  it("a violation found in a worker thread is reported exactly as the single-threaded run of its batch reports it", async () => {
    const dispatcher = "fixtures/mutants/loader-id-not-per-tenant.ts";
    const pooled = await fuzzInPool({
      profile: "production",
      dispatcher,
      runs: 200,
      seed: 1,
      batchSize: 50,
      workers: 2,
    });
    expect(pooled.ok).toBe(false);
    const failure = pooled.failure!;
    console.log(`[fuzz pool, 2 workers]\n${describeFailure(failure)}`);
    // The lowest failing batch is reported; the batch's own seed replays it in this thread.
    const batch = failure.seed - 1;
    const single = await fuzz({ profile: "production", dispatcher, runs: 50, seed: 1 + batch });
    expect(single.failure && describeFailure(single.failure)).toBe(describeFailure(failure));
    expect(failure.replayCommand).toBe(
      `npm run fuzz -- --profile production --dispatcher ${dispatcher} --seed ${failure.seed} --path ${failure.path}`,
    );
  }, 120_000);
});
