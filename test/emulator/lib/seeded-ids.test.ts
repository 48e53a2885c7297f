import { describe, expect, it } from "vitest";
import { SeededIds } from "../../../emulator/lib/seeded-ids.ts";

/** The original formatting (an array of four words), kept here so a faster one must give the same ids. */
function referenceIds(seed: number, count: number): string[] {
  let state = seed >>> 0 || 0x9e3779b9;
  const next32 = () => {
    let x = state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    state = x;
    return x;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const hex = Array.from({ length: 4 }, () => next32().toString(16).padStart(8, "0")).join("");
    out.push(
      `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
    );
  }
  return out;
}

describe("SeededIds", () => {
  it("gives the same ids for the same seed as the original formatting (fuzz replays depend on it)", () => {
    for (const seed of [0, 1, 2, 42, 0xffffffff, 123456789]) {
      const ids = new SeededIds(seed);
      expect(Array.from({ length: 200 }, () => ids.uuid())).toEqual(referenceIds(seed, 200));
    }
  });

  it("formats a v4 UUID", () => {
    const id = new SeededIds(7).uuid();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
