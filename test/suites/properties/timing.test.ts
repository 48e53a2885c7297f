/**
 * The timing model (suites/properties/timing.ts) on hand-written traces: each check fails on the bug it models
 * (a retry at the wrong backoff, a replayed sleep that restarts from "now", a sleep ending off its deadline) and
 * passes the correct timing, including a late wake that a pause explains.
 */
import { describe, expect, it } from "vitest";
import type { Traced } from "../../../contract/emulator-surface.ts";
import { expectedRetryDelay, timing } from "../../../suites/properties/timing.ts";

const I = "i1";
let seq = 0;
const at = (time: number, event: Record<string, unknown>) => ({ ...event, seq: seq++, time }) as unknown as Traced;
const failure = (time: number, attempt: number) =>
  at(time, { type: "step.failure", instance: I, step: "a", count: 1, attempt, error: "x", willRetry: true });
const attempt = (time: number, n: number) =>
  at(time, { type: "step.attempt", instance: I, step: "a", count: 1, attempt: n });
const sleepStart = (time: number, until: number) =>
  at(time, { type: "sleep.start", instance: I, step: "nap", count: 1, until });
const sleepEnd = (time: number) => at(time, { type: "sleep.end", instance: I, step: "nap", count: 1 });

describe("timing model", () => {
  it("backoff formulas: constant d, linear d·n, exponential d·2^(n−1)", () => {
    expect([1, 2, 3].map((n) => expectedRetryDelay(1000, "constant", n))).toEqual([1000, 1000, 1000]);
    expect([1, 2, 3].map((n) => expectedRetryDelay(1000, "linear", n))).toEqual([1000, 2000, 3000]);
    expect([1, 2, 3].map((n) => expectedRetryDelay(1000, "exponential", n))).toEqual([1000, 2000, 4000]);
  });

  it("a retry exactly one delay after the failure passes; early or late without a cause fails", () => {
    const ok = [attempt(0, 1), failure(0, 1), attempt(1000, 2)];
    expect(timing(ok, ok, "#0")).toEqual([]);
    const late = [attempt(0, 1), failure(0, 1), attempt(2000, 2)];
    expect(timing(late, late, "#0")).toEqual([
      'timing: #0 step "a" retried 2000 ms after failed attempt 1, expected 1000 ms (constant backoff, 1000 ms)',
    ]);
    const early = [attempt(0, 1), failure(0, 1), attempt(0, 2)];
    expect(timing(early, early, "#0")[0]).toMatch(/retried 0 ms after failed attempt 1, expected 1000 ms/);
  });

  it("a replayed sleep keeps its persisted deadline; one restarted from now fails", () => {
    const ok = [sleepStart(0, 5000), sleepStart(3000, 5000), sleepEnd(5000)];
    expect(timing(ok, ok, "#0")).toEqual([]);
    const restarted = [sleepStart(0, 5000), sleepStart(3000, 8000), sleepEnd(8000)];
    expect(timing(restarted, restarted, "#0")).toEqual([
      'timing: #0 sleep "nap" was replayed with a new deadline (+3000 ms): the persisted one was lost',
      'timing: #0 sleep "nap" ended 3000 ms off its deadline',
    ]);
  });

  it("a sleep ends at its deadline; late only when a pause or fault explains it, never early", () => {
    const late = [sleepStart(0, 5000), sleepEnd(6000)];
    expect(timing(late, late, "#0")).toEqual(['timing: #0 sleep "nap" ended 1000 ms off its deadline']);
    const paused = [
      sleepStart(0, 5000),
      at(1, { type: "status", workflow: "w", instance: I, from: "running", to: "paused" }),
      sleepEnd(6000),
    ];
    expect(timing(paused, paused, "#0")).toEqual([]);
    const early = [sleepStart(0, 5000), at(1, { type: "fault", kind: "crash" }), sleepEnd(4000)];
    expect(timing(early, early, "#0")).toEqual(['timing: #0 sleep "nap" ended -1000 ms off its deadline']);
  });
});
