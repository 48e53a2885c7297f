/** WF-43: the rollback options of step.do (emulator/lib/rollback-options.ts): shape checks and rollbackConfig. */
import { describe, expect, it } from "vitest";
import { resolveRollbackOptions } from "../../../emulator/lib/rollback-options.ts";
import { LOCAL, PRODUCTION } from "../../../emulator/profiles.ts";

const handler = async () => {};

describe("WF-43 rollback options", () => {
  it("WF-43 undefined means no rollback; a handler alone gets the profile's default retries and timeout", () => {
    expect(resolveRollbackOptions("s", undefined, PRODUCTION)).toBeNull();
    const production = resolveRollbackOptions("s", { rollback: handler }, PRODUCTION)!;
    expect(production.handler).toBe(handler);
    expect(production.config.retries).toMatchObject({ limit: 5, delayMs: 10_000, backoff: "exponential" });
    expect(production.config.timeoutMs).toBe(600_000);
    expect(resolveRollbackOptions("s", { rollback: handler }, LOCAL)!.config.retries.delayMs).toBe(1_000);
  });

  it("WF-43 rollbackConfig sets retries and timeout", () => {
    const options = resolveRollbackOptions(
      "s",
      {
        rollback: handler,
        rollbackConfig: { retries: { limit: 2, delay: "15 seconds", backoff: "linear" }, timeout: "2 minutes" },
      },
      PRODUCTION,
    )!;
    expect(options.config.retries).toMatchObject({ limit: 2, delayMs: 15_000, backoff: "linear" });
    expect(options.config.timeoutMs).toBe(120_000);
  });

  it.each([
    [null, /Rollback options for "s" must be an object \(got null/],
    [[handler], /Rollback options for "s" must be an object/],
    [{}, /Rollback for "s" must be a function \(got undefined in the options' "rollback" field\)/],
    [
      { rollback: handler, rollbackConfig: { sensitive: "output" } },
      /accepts only retries and timeout, got "sensitive"/,
    ],
    [
      { rollback: handler, rollbackConfig: { timeout: 0 } },
      /Rollback config for "s" is in a invalid format.*timeout must be greater than 0/,
    ],
  ])("WF-43 %j is refused with a message naming the problem", (options, message) => {
    expect(() => resolveRollbackOptions("s", options, PRODUCTION)).toThrow(message);
  });
});
