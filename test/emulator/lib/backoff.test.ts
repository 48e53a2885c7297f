import { describe, expect, it } from "vitest";
import { type Backoff, retryDelayMs } from "../../../emulator/lib/backoff.ts";
import { EmulatorUsageError } from "../../../emulator/lib/errors.ts";

const schedule = (baseMs: number, backoff: Backoff, failures: number) =>
  Array.from({ length: failures }, (_, i) => retryDelayMs(baseMs, backoff, i + 1));

describe("retryDelayMs", () => {
  it("WF-32 constant backoff waits d after every failure", () => {
    expect(schedule(1_000, "constant", 4)).toEqual([1_000, 1_000, 1_000, 1_000]);
  });

  it("WF-32 linear backoff waits d·n after the n-th failure", () => {
    expect(schedule(1_000, "linear", 4)).toEqual([1_000, 2_000, 3_000, 4_000]);
  });

  it("WF-32 exponential backoff waits d·2^(n−1) after the n-th failure", () => {
    expect(schedule(1_000, "exponential", 4)).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it("WF-32 local default schedule is 1, 2, 4, 8, 16 s", () => {
    expect(schedule(1_000, "exponential", 5)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it("WF-32 production default schedule is 10, 20, 40, 80, 160 s", () => {
    expect(schedule(10_000, "exponential", 5)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
  });

  it("WF-32 a zero base delay stays zero under every backoff", () => {
    for (const backoff of ["constant", "linear", "exponential"] as const) {
      expect(retryDelayMs(0, backoff, 7)).toBe(0);
    }
  });

  it("WF-32 the failed-attempt number is 1-based; 0, fractions and negatives are engine bugs", () => {
    for (const attempt of [0, -1, 1.5, NaN]) {
      expect(() => retryDelayMs(1_000, "constant", attempt)).toThrow(EmulatorUsageError);
    }
  });

  it("WF-32 a negative or non-finite base delay is an engine bug", () => {
    for (const base of [-1, NaN, Infinity]) {
      expect(() => retryDelayMs(base, "constant", 1)).toThrow(EmulatorUsageError);
    }
  });

  it("WF-32 an unknown backoff is an engine bug", () => {
    expect(() => retryDelayMs(1_000, "random" as Backoff, 1)).toThrow(/unknown backoff "random"/);
  });
});
