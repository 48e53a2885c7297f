/**
 * WF-35: a delay function that never resolves is cut off after 5 s, and runUntilIdle moves time for it
 * (regression: runUntilIdle used to stop with the step still waiting on the function).
 */
import { describe, expect, it } from "vitest";
import { attempts, PROFILES, runToIdle, SECOND, usePlain } from "../../support/engine.ts";

const start = usePlain();

describe("WF-35 delay-function timeout under runUntilIdle ", () => {
  // Expected: runUntilIdle advances virtual time "until every instance is terminal or blocked on an event/pause", so a
  // delay function that never resolves is cut off after 5 s (WF-35) and the step fails with NonRetryableDelayError.
  // Before the fix: runUntilIdle returns at once with the instance still `running` and time not advanced, because a pending
  // delay function is neither an in-flight step nor a registered wait (WorkflowEngine.hasScheduledWork).
  it.each(PROFILES)("WF-35 runUntilIdle lets a hanging delay function time out after 5 s (%s)", async (profile) => {
    const { emulator, status } = await runToIdle(
      start,
      `
      try {
        await step.do("s", { retries: { limit: 5, delay: () => new Promise(() => {}) } }, async () => { throw new Error("fail"); });
      } catch (e) {
        return { name: e.name, message: e.message, at: Date.now() };
      }
      `,
      { profile },
    );
    expect(status.status).toBe("complete");
    // NonRetryableDelayError, thrown into run() by the engine (legacy error serialization): name "Error", prefixed message.
    expect(status.output?.name).toBe("Error");
    expect(status.output?.message).toBe(
      'NonRetryableDelayError: The delay function for step "s-1" did not return within 5 seconds',
    );
    expect(status.output?.at - attempts(emulator, "s")[0].time).toBe(5 * SECOND);
  });
});
