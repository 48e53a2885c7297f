import { serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { structuredSizeAtMost } from "../../../emulator/lib/structured-size.ts";

/** Whenever the bound says "at most limit", the real serialised size must be at most limit. */
function checkSound(value: unknown, limits: number[]): void {
  const size = serialize(value).byteLength;
  for (const limit of limits) {
    if (structuredSizeAtMost(value, limit)) expect(size).toBeLessThanOrEqual(limit);
  }
}

describe("structuredSizeAtMost", () => {
  const samples: unknown[] = [
    undefined,
    null,
    true,
    0,
    -1,
    2 ** 31,
    1.5,
    Number.NaN,
    "",
    "a",
    "é",
    "€uro",
    "x".repeat(1000),
    "😀".repeat(50),
    {},
    [],
    [1, 2, 3],
    // biome-ignore lint/suspicious/noSparseArray: holes are the point: their size must be counted like the real serialiser's.
    [, , 1],
    { a: 1, b: "two", c: [true, null, { d: 4.5 }] },
    { 0: "zero", 10: "ten", key: "v" },
    Object.assign([1, 2], { extra: "named" }),
    {
      tenant: "acme",
      codeVersion: "v1",
      isolate: "acme/7d6f0d4e-6f0a-4f35-9d1e-0c6d1d2b3a4f",
      attempt: 1,
      step: "first",
    },
  ];

  it("is an upper bound of v8.serialize for primitives, strings, plain objects and arrays", () => {
    for (const value of samples) checkSound(value, [0, 1, 2, 5, 10, 20, 50, 100, 1_000, 10_000, 1 << 20]);
  });

  it("says yes for small data far below the limit", () => {
    expect(structuredSizeAtMost({ tenant: "acme", markers: [{ step: "first", attempt: 1 }] }, 1 << 20)).toBe(true);
  });

  it("says no above the limit", () => {
    expect(structuredSizeAtMost("x".repeat(600_000), 1 << 20)).toBe(false);
    expect(structuredSizeAtMost({ a: "x".repeat(100) }, 50)).toBe(false);
  });

  it("does not answer for other types, cycles or large graphs (the caller serialises)", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [
      new Date(0),
      new Map(),
      new Set(),
      new Uint8Array(4),
      1n,
      cyclic,
      Array.from({ length: 5_000 }, () => 0),
    ]) {
      expect(structuredSizeAtMost(value, 1 << 20)).toBe(false);
    }
    class Marker {
      a = 1;
    }
    expect(structuredSizeAtMost(new Marker(), 1 << 20)).toBe(false);
  });

  it("stops early on a huge sparse array", () => {
    const sparse: unknown[] = [];
    sparse[1e9] = 1;
    expect(structuredSizeAtMost(sparse, 1 << 20)).toBe(false);
  });
});
