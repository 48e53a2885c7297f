/**
 * A user's test of their own tenant workflow (fixtures/tenants/onboarding-tenant.js) through their dispatcher, as
 * issue 16 item 4 asks: written only with the package's surfaces (./emulator, ./introspection), no hand-rolled types.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Emulator, type Workflow } from "../../../emulator/index.ts";
import { introspectWorkflow } from "../../../emulator/introspection/index.ts";

const tenantCode = {
  codeVersion: "v1",
  compatibilityDate: "2026-01-01",
  mainModule: "index.js",
  modules: {
    "index.js": readFileSync(new URL("../../../fixtures/tenants/onboarding-tenant.js", import.meta.url), "utf8"),
  },
};
let emulator: Emulator;
let env: { WORKFLOWS: Workflow<{ email: string }> };

beforeEach(async () => {
  emulator = new Emulator({
    scriptPath: new URL("../../../fixtures/dispatcher/index.ts", import.meta.url).pathname,
    workflows: { WORKFLOWS: { name: "onboarding", className: "DynamicWorkflow" } },
    workerLoaders: { LOADER: {} },
    serviceBindings: { TENANTS: () => Response.json(tenantCode) },
  });
  env = await emulator.getBindings<typeof env>();
});
afterEach(() => emulator.dispose());

/** The tenant signs a user up through its own worker (the dispatcher routes by x-tenant-id). */
const signUp = (email: string) =>
  emulator.dispatchFetch("http://app/signup", {
    method: "POST",
    headers: { "x-tenant-id": "acme" },
    body: JSON.stringify({ email }),
  });

it("a verified user is activated and welcomed, in the tenant's own code", async () => {
  await using workflow = await introspectWorkflow(env.WORKFLOWS);
  await workflow.modifyAll(async (m) => {
    await m.disableSleeps();
    await m.mockEvent({ type: "email-verified", payload: { by: "link" } });
  });
  await signUp("ada@example.com");
  const [instance] = await workflow.get();
  await instance.waitForStatus("complete");
  expect(await instance.getOutput()).toEqual({
    account: "acct-ada@example.com",
    tenant: "acme",
    status: "active",
    verifiedBy: "link",
    welcome: { to: "ada@example.com", template: "welcome" },
  });
});

it("a user who never verifies gets a reminder; the welcome email is never sent", async () => {
  await using workflow = await introspectWorkflow(env.WORKFLOWS);
  await workflow.modifyAll((m) => m.forceEventTimeout({ name: "email-verified" }));
  await signUp("bob@example.com");
  const [instance] = await workflow.get();
  expect(await instance.waitForStepResult({ name: "send-reminder" })).toEqual({ to: "bob@example.com" });
  await instance.waitForStatus("complete");
  expect(await instance.getOutput()).toMatchObject({ status: "unverified" });
  expect(instance.trace().some((e) => e.type === "step.attempt" && e.step === "send-welcome")).toBe(false);
});

it("the welcome email survives a flaky mail API, and a crash after it was sent sends it twice (needs an idempotency key)", async () => {
  await using workflow = await introspectWorkflow(env.WORKFLOWS);
  await workflow.modifyAll(async (m) => {
    await m.mockStepError({ name: "send-welcome" }, new Error("mail API 503"), 2);
    await m.mockEvent({ type: "email-verified", payload: { by: "code" } });
  });
  await signUp("cy@example.com");
  const [instance] = await workflow.get();
  instance.crash("afterStepCallback", { step: "send-welcome" });
  await instance.waitForStatus("complete");
  const attempts = instance.trace().filter((e) => e.type === "step.attempt" && e.step === "send-welcome");
  expect(attempts.map((e) => e.type === "step.attempt" && e.attempt)).toEqual([1, 2, 3, 3]);
  // 1 day of exploring + 10 and 20 minutes of retry backoff, in virtual time.
  expect(emulator.time.now() - Date.UTC(2026, 0, 1)).toBe(86_400_000 + 30 * 60_000);
});

it("a wait is visible in the trace, and runUntilIdle({ fireTimeouts: true }) lets the 7-day timeout fire", async () => {
  await using workflow = await introspectWorkflow(env.WORKFLOWS);
  await signUp("dee@example.com");
  const [instance] = await workflow.get();
  await emulator.runUntilIdle();
  expect(instance.trace().find((e) => e.type === "event.wait")).toMatchObject({ eventType: "email-verified" });
  expect(instance.snapshot()?.status).toBe("running");
  await emulator.runUntilIdle({ fireTimeouts: true });
  expect(await instance.getOutput()).toMatchObject({ status: "unverified" });
});
