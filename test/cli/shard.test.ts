/** --shard i/n (cli/shard.ts): the shards partition the unsharded run exactly, and bad values name the flag. */
import { describe, expect, it } from "vitest";
import { fuzzShare, parseShard, shardRange } from "../../cli/shard.ts";

describe("--shard", () => {
  it("the n shards' ranges cover every item exactly once, in order", () => {
    for (const total of [0, 1, 7, 41]) {
      for (const count of [1, 2, 3, 4, 9]) {
        const items = Array.from({ length: count }, (_, i) => shardRange({ index: i + 1, count }, total)).flatMap(
          ({ start, end }) => Array.from({ length: end - start }, (_, k) => start + k),
        );
        expect(items).toEqual(Array.from({ length: total }, (_, k) => k));
      }
    }
  });

  it("fuzz shares add up to the unsharded runs, each starting at its first batch's seed", () => {
    const shares = [1, 2, 3, 4].map((index) => fuzzShare({ index, count: 4 }, 100, 2000, 200));
    expect(shares.map((s) => s.runs).reduce((a, b) => a + b)).toBe(2000);
    expect(shares.map((s) => s.seed)).toEqual([100, 102, 105, 107]);
    const partial = [1, 2].map((index) => fuzzShare({ index, count: 2 }, 0, 450, 200));
    expect(partial.map((s) => s.runs)).toEqual([200, 250]);
  });

  it("bad values are usage errors naming the flag", () => {
    for (const bad of ["3/2", "x", "0/2", "1/0", "1/2/3", ""])
      expect(() => parseShard(bad)).toThrow(/^--shard must be i\/n/);
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShard(undefined)).toBeUndefined();
  });
});
