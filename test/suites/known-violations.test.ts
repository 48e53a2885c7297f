/** The property tests' known violations per target (suites/divergences.ts PROPERTY_DIVERGENCES): what counts as one. */
import { describe, expect, it } from "vitest";
import { knownViolations } from "../../suites/divergences.ts";

const TWICE = "events: instance #0 (acme) received event 1 twice";

describe("known property violations", () => {
  it("local workerd's redelivered event is known only in a scenario with a restart, and only on workerd", () => {
    expect(knownViolations("workerd", [TWICE], { crashes: 1 })).toEqual({
      known: [{ violation: TWICE, id: "event-redelivered-after-restart" }],
      unknown: [],
    });
    // Without a restart the same text is a real violation; on the emulator it always is.
    expect(knownViolations("workerd", [TWICE], { crashes: 0 }).unknown).toEqual([TWICE]);
    expect(knownViolations("emulator-local", [TWICE], { crashes: 1 }).unknown).toEqual([TWICE]);
  });

  it("any other violation stays a failure", () => {
    const other = "events: instance #0 (acme) received event approve:3 that was never sent to it";
    expect(knownViolations("workerd", [TWICE, other], { crashes: 2 }).unknown).toEqual([other]);
  });
});
