import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../emulator/lib/duration.ts";
import { WorkflowFatalError } from "../../../emulator/lib/errors.ts";

const SECOND = 1_000;
const DAY = 24 * 60 * 60 * SECOND;

/** Runs `fn`, expecting it to throw, and returns the error so tests can assert on its name and message. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("parseDuration", () => {
  it("WF-33 a number is milliseconds", () => {
    expect(parseDuration(0, "sleep")).toBe(0);
    expect(parseDuration(1500, "sleep")).toBe(1500);
    expect(parseDuration(0.5, "sleep")).toBe(0.5);
  });

  it("WF-33 -0 comes back as 0", () => {
    expect(Object.is(parseDuration(-0, "sleep"), 0)).toBe(true);
  });

  it.each([
    ["1 second", SECOND],
    ["10 seconds", 10 * SECOND],
    ["1 minute", 60 * SECOND],
    ["1 hour", 3_600 * SECOND],
    ["2 hours", 7_200 * SECOND],
    ["1 day", DAY],
    ["2 weeks", 14 * DAY],
    ["1 month", 30 * DAY], // itty-time: a month is 30 days
    ["1 year", 365.25 * DAY], // itty-time: a year is 365.25 days
    ["2 years", 730.5 * DAY],
    ["1.5 minutes", 90 * SECOND],
    ["30.5 seconds", 30_500],
    ["10   seconds", 10 * SECOND], // itty-time allows several spaces
    ["1 seconds", SECOND],
    ["0 seconds", 0],
  ])("WF-33 %j is %d ms (itty-time unit table)", (input, expected) => {
    expect(parseDuration(input, "sleep")).toBe(expected);
  });

  it.each([
    ["100", 100],
    ["0", 0],
    ["2.5", 2.5],
  ])("WF-33 a bare numeric string %j is milliseconds, as itty-time reads it", (input, expected) => {
    expect(parseDuration(input, "sleep")).toBe(expected);
  });

  it.each([
    ["100 ms", 100],
    ["1 millisecond", 1],
    ["100 milliseconds", 100],
  ])("WF-33 itty-time's millisecond spellings are accepted: %j", (input, expected) => {
    expect(parseDuration(input, "sleep")).toBe(expected);
  });

  it("WF-33 an unknown unit is rejected with the input, the subject and the accepted units in the message", () => {
    // itty-time would read this as 5 ms; a unit typo must not silently become milliseconds.
    const error = thrown(() => parseDuration("5 parsecs", 'sleep "nap"'));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.name).toBe("WorkflowFatalError");
    expect(error.message).toBe(
      'Invalid duration "5 parsecs" for sleep "nap": expected milliseconds or "<number> <unit>" with unit second, ' +
        "minute, hour, day, week, month or year",
    );
  });

  it.each([
    "",
    " ",
    "1 Hour", // itty-time: 1 ms
    "1 m", // itty-time: 1 ms
    "hour",
    "1hour",
    " 1 hour",
    "1 hour ",
    "-1 hour",
    "-5",
    "0x10",
    "1e3",
    "1 secondss",
    "five seconds",
    "1 hour 30 minutes",
  ])("WF-33 the string %j is rejected", (input) => {
    const error = thrown(() => parseDuration(input, 'retries.delay of step "fetch"'));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain(`Invalid duration ${JSON.stringify(input)} for retries.delay of step "fetch"`);
  });

  it("WF-33 a negative number is rejected with a reason", () => {
    const error = thrown(() => parseDuration(-1, 'sleep "nap"'));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe('Invalid duration -1 for sleep "nap": durations cannot be negative');
  });

  it.each([NaN, Infinity, -Infinity])("WF-33 the number %d is rejected", (input) => {
    const error = thrown(() => parseDuration(input, "sleep"));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`Invalid duration ${input} for sleep: durations must be finite numbers`);
  });

  it("WF-33 a numeric string too large to be finite is rejected", () => {
    const error = thrown(() => parseDuration(`${"9".repeat(400)} years`, "sleep"));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain("the duration is too large");
  });

  it.each([
    [null, "null"],
    [undefined, "undefined"],
    [true, "true"],
    [{ seconds: 1 }, '{"seconds":1}'],
    [[1000], "[1000]"],
    [() => 1000, "(a function)"],
    [new Date(0), '"1970-01-01T00:00:00.000Z"'],
  ])("WF-33 the non-duration %s is rejected and shown in the message", (input, shown) => {
    const error = thrown(() => parseDuration(input, 'timeout of step "x"'));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain(`Invalid duration ${shown} for timeout of step "x": expected milliseconds`);
  });
});
