/**
 * WF-41 / §E.8 settled on workerd: with `workflows_preserve_non_retryable_error_message` passed to the workflow
 * (miniflare `workflows[].compatibilityFlags`, as wrangler dev does), an uncaught NonRetryableError keeps its name and
 * message; without it, it is the generic WorkflowFatalError. The local emulator profile must agree with both.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RunningTarget, Target } from "../../contract/target.ts";
import { TenantRegistry } from "../../contract/tenant-registry.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { WorkerdTarget } from "../../targets/workerd-target.ts";

const FLAG = "workflows_preserve_non_retryable_error_message";
const UNCAUGHT = { plan: [{ do: "fatal", failTimes: 1, nonRetryable: true }] };
const PRESERVED = { name: "NonRetryableError", message: "planned non-retryable failure in fatal" };

let running: RunningTarget | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

async function errorOf(target: Target) {
  running = await target.start(TenantRegistry.probes(["acme"]));
  const id = await running.create("acme", UNCAUGHT);
  await running.settle({ timeoutMs: 10_000 });
  const status = await running.status("acme", id);
  expect(status.status).toBe("errored");
  return status.error;
}

describe.each([
  ["workerd", (flags?: string[]) => new WorkerdTarget({ compatibilityFlags: flags })],
  ["emulator-local", (flags?: string[]) => new EmulatorTarget("local", { compatibilityFlags: flags })],
])("WF-41 on %s (local engine, compat date 2026-01-01)", (_name, make) => {
  it("with the flag passed to the workflow, the NonRetryableError's name and message are kept", async () => {
    expect(await errorOf(make([FLAG]))).toEqual(PRESERVED);
  }, 60_000);

  it("without the flag, it is the generic WorkflowFatalError", async () => {
    expect(await errorOf(make())).toMatchObject({ name: "WorkflowFatalError" });
  }, 60_000);
});
