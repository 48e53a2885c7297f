/**
 * How errors cross the RPC boundary between workflow code and the Workflows engine, end to end (emulator/runtime/
 * membrane.ts `rebuildError`, realm.ts `preservesErrorNames`). Without workerd's `enhanced_error_serialization`
 * (compatibility date before 2026-04-21 and no flag), an error whose name is not a built-in error type arrives as
 * `Error` with the message `"<name>: <message>"`. The engine runs at compatibility date 2024-10-22, so everything it
 * throws into run() arrives that way, whatever the workflow's own compatibility date.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorOptions } from "../../../emulator/index.ts";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

const CUSTOM_ERROR = `class MyError extends Error { constructor(m) { super(m); this.name = "MyError"; } }`;

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

/** Runs `body` as run()'s body (MyError is defined) in one instance until idle; returns its status. */
async function runOnce(body: string, options: Partial<EmulatorOptions>): Promise<any> {
  current = await startPlain(body, options, CUSTOM_ERROR);
  const handle = await current.workflows.create({ id: "i" });
  await current.emulator.runUntilIdle();
  return handle.status();
}

const CATCH_STEP_ERROR = `
  try {
    await step.do("s", { retries: { limit: 0, delay: 0 } }, async () => { throw new MyError("boom"); });
    return "no error";
  } catch (e) {
    return { name: e.name, message: e.message, isError: e instanceof Error };
  }
`;

describe("custom-named errors across the engine boundary", () => {
  it("at compatibilityDate 2026-01-01, a custom error thrown in a step is caught in run() as Error 'MyError: boom'", async () => {
    const status = await runOnce(CATCH_STEP_ERROR, { compatibilityDate: "2026-01-01" });
    expect(status.output).toEqual({ name: "Error", message: "MyError: boom", isError: true });
  });

  it("at compatibilityDate 2026-05-01, a custom error thrown in a step is still caught in run() as Error 'MyError: boom'", async () => {
    // The workflow's realm has enhanced_error_serialization, so MyError reaches the engine with its name. But the
    // engine (host realm, compat 2024-10-22) is the one that re-throws the step's last error into run(), and it
    // serialises errors the legacy way: the name is folded into the message again. Local workerd shows the same.
    const status = await runOnce(CATCH_STEP_ERROR, { compatibilityDate: "2026-05-01" });
    expect(status.output).toEqual({ name: "Error", message: "MyError: boom", isError: true });
  });

  it("even with the enhanced_error_serialization flag on the dispatcher, an uncaught custom error ends as Error 'MyError: run failed' (the engine receives it as a legacy worker)", async () => {
    // run() is an enhanced sender, but the receiver is the Workflows engine, a legacy worker: a name survives only
    // when both sides are enhanced. Seen on workerd (miniflare 4.20260730.0), with the flag and at compat 2026-05-01.
    const status = await runOnce(`throw new MyError("run failed");`, {
      compatibilityDate: "2026-01-01",
      compatibilityFlags: ["enhanced_error_serialization"],
    });
    expect(status.status).toBe("errored");
    expect(status.error).toEqual({ name: "Error", message: "MyError: run failed" });
  });

  it("without the flag, the same uncaught custom error ends the instance as Error 'MyError: run failed'", async () => {
    const status = await runOnce(`throw new MyError("run failed");`, { compatibilityDate: "2026-01-01" });
    expect(status.status).toBe("errored");
    expect(status.error).toEqual({ name: "Error", message: "MyError: run failed" });
  });
});

describe("NonRetryableError with workflows_preserve_non_retryable_error_message (WF-41, WF-42)", () => {
  const UNCAUGHT = `await step.do("s", async () => { throw new NonRetryableError("the original message"); }); return "done";`;

  it("an uncaught NonRetryableError that crossed prefixed (compat 2026-01-01) still ends as {NonRetryableError, <original message>}", async () => {
    // The step's error reaches the engine as Error "NonRetryableError: the original message"; the engine recognises
    // it by the prefix (WF-42) and, with the preserve flag, reports the original name and the message without it.
    const status = await runOnce(UNCAUGHT, {
      profile: "production",
      compatibilityDate: "2026-01-01",
      compatibilityFlags: ["workflows_preserve_non_retryable_error_message"],
    });
    expect(status.status).toBe("errored");
    expect(status.error).toEqual({ name: "NonRetryableError", message: "the original message" });
  });

  it("with the name kept on the way (compat 2026-05-14: enhanced serialization and the preserve flag by default) it ends the same", async () => {
    const status = await runOnce(UNCAUGHT, { profile: "production", compatibilityDate: "2026-05-14" });
    expect(status.status).toBe("errored");
    expect(status.error).toEqual({ name: "NonRetryableError", message: "the original message" });
  });
});
