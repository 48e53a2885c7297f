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
const waitStart = (time: number) =>
  at(time, { type: "event.wait", instance: I, step: "w", count: 1, eventType: "approve" });
const waitTimeout = (time: number) =>
  at(time, { type: "event.timeout", instance: I, step: "w", count: 1, eventType: "approve" });
const send = (time: number) => at(time, { type: "event.send", instance: I, eventType: "approve" });
const deliver = (time: number) =>
  at(time, { type: "event.deliver", instance: I, step: "w", count: 1, eventType: "approve" });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The probe plans the target was given: a wait without a timeout, one with 1 hour; a step with exponential retries. */
const noTimeout = { given: [{ wait: "w", type: "approve" }], defaultEventTimeoutMs: DAY };
const oneHour = { given: [{ wait: "w", type: "approve", timeout: HOUR }], defaultEventTimeoutMs: DAY };
const exponential = { given: [{ do: "a", config: { retries: { limit: 3, delay: 1000, backoff: "exponential" } } }] };

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

  it("a retry follows the step's own backoff: exponential 4 s after the third failure, not linear's 3 s", () => {
    const ok = [failure(0, 3), attempt(4000, 4)];
    expect(timing(ok, ok, "#0", exponential)).toEqual([]);
    const linear = [failure(0, 3), attempt(3000, 4)];
    expect(timing(linear, linear, "#0", exponential)).toEqual([
      'timing: #0 step "a" retried 3000 ms after failed attempt 3, expected 4000 ms (exponential backoff, 1000 ms)',
    ]);
  });

  it("a wait given no timeout times out after the profile's default (24 h), one given 1 hour after 1 hour", () => {
    const day = [waitStart(0), waitTimeout(DAY)];
    expect(timing(day, day, "#0", noTimeout)).toEqual([]);
    const hourEarly = [waitStart(0), waitTimeout(HOUR)];
    expect(timing(hourEarly, hourEarly, "#0", noTimeout)).toEqual([
      `timing: #0 wait "w" timed out ${HOUR} ms after it began, expected ${DAY} ms (no timeout given: the default)`,
    ]);
    const hour = [waitStart(0), waitTimeout(HOUR)];
    expect(timing(hour, hour, "#0", oneHour)).toEqual([]);
    const ignored = [waitStart(0), waitTimeout(DAY)];
    expect(timing(ignored, ignored, "#0", oneHour)).toEqual([
      `timing: #0 wait "w" timed out ${DAY} ms after it began, expected ${HOUR} ms (its timeout)`,
    ]);
  });

  it("a wait takes an event at once, never past its timeout", () => {
    const buffered = [send(0), waitStart(500), deliver(500)];
    expect(timing(buffered, buffered, "#0", oneHour)).toEqual([]);
    const live = [waitStart(0), send(700), deliver(700)];
    expect(timing(live, live, "#0", oneHour)).toEqual([]);
    const slow = [waitStart(0), send(700), deliver(900)];
    expect(timing(slow, slow, "#0", oneHour)).toEqual([
      'timing: #0 wait "w" took its "approve" event 200 ms after it was sent and the wait had begun (expected at once)',
    ]);
    const late = [waitStart(0), send(2 * HOUR), deliver(2 * HOUR)];
    expect(timing(late, late, "#0", oneHour)).toEqual([
      `timing: #0 wait "w" took an event ${2 * HOUR} ms after it began, past its ${HOUR} ms timeout (its timeout)`,
    ]);
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
