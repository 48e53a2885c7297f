/**
 * examples/kv-platform on the emulator (production profile, virtual time): its two tenants' real workflows — acme's
 * invoice approvals (waitForEvent for 7 days, a flaky charge retried, a 3-day grace sleep) and globex's six-week
 * onboarding (sleeps of 1 and 30 days, a 14-day event window with a retried nudge) — deployed into its KV namespace
 * as it deploys them, and its version pinning: a redeploy never changes a running instance's code, and the
 * "unpinned" wrangler env (wake on latest) fails bad-input/broken-deploy-mid-sleep (WF-05, WF-08, WL-02).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateConfig } from "../../cli/config/load-config.ts";
import { parseJsonc } from "../../cli/config/parse-jsonc.ts";
import { subjectFor } from "../../cli/subject.ts";
import type { RunningTarget } from "../../contract/target.ts";
import { type TenantBundle, TenantRegistry } from "../../contract/tenant-registry.ts";
import { ALL_CASES } from "../../suites/index.ts";
import { runCase } from "../../suites/run-case.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { ROOT } from "../support/run-cli.ts";

const DIR = join(ROOT, "examples/kv-platform");
const CONFIG = join(DIR, "dwc.config.json");
const DAY = 86_400_000;

function subject(overrides: Record<string, unknown> = {}) {
  const raw = parseJsonc(readFileSync(CONFIG, "utf8")) as Record<string, unknown>;
  return subjectFor(validateConfig({ ...raw, ...overrides }, { file: CONFIG }));
}

function tenant(file: string, codeVersion: string, edit: (source: string) => string = (s) => s): TenantBundle {
  const source = edit(readFileSync(join(DIR, "tenants", file), "utf8"));
  return { codeVersion, compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": source } };
}

let running: RunningTarget | undefined;
afterEach(async () => {
  await running?.dispose();
  running = undefined;
});

async function platform(): Promise<RunningTarget> {
  const tenants = new TenantRegistry({
    acme: tenant("acme-invoices.js", "v1"),
    globex: tenant("globex-onboarding.js", "v1"),
  });
  running = await new EmulatorTarget("production", { subject: subject() }).start(tenants);
  return running;
}

async function post(t: RunningTarget, tenantId: string, path: string, body: unknown) {
  const response = await t.request(tenantId, path, { method: "POST", body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { id: string };
}

const view = async (t: RunningTarget, tenantId: string, path: string) =>
  (await t.request(tenantId, path)).body as { status: string; output?: Record<string, unknown> };

describe("examples/kv-platform: the tenants' workflows (emulator, production profile)", () => {
  it("acme: an invoice waits for approval, the charge succeeds on its third attempt, the receipt after 3 days", async () => {
    const t = await platform();
    const { id } = await post(t, "acme", "/invoices", { customer: "ada@acme.test", amountCents: 12_000 });
    await t.settle();
    expect((await view(t, "acme", `/invoices/${id}`)).status).toBe("running"); // waiting for an event: running
    await post(t, "acme", `/invoices/${id}/approval`, { approved: true, by: "maria" });
    await t.settle();
    const done = await view(t, "acme", `/invoices/${id}`);
    expect(done.status).toBe("complete");
    expect(done.output).toMatchObject({
      version: "acme-invoices@1",
      outcome: "paid",
      approvedBy: "maria",
      charge: { attempt: 3 },
      receipt: { to: "ada@acme.test" },
    });
  });

  it("acme: an invoice nobody approves is voided after 7 days", async () => {
    const t = await platform();
    const { id } = await post(t, "acme", "/invoices", { customer: "bob@acme.test", amountCents: 500 });
    await t.advance(7 * DAY + 60_000);
    await t.settle();
    expect(await view(t, "acme", `/invoices/${id}`)).toMatchObject({
      status: "complete",
      output: { outcome: "expired" },
    });
  });

  it("globex: onboarding over six weeks, with and without a first project in the 14-day window", async () => {
    const t = await platform();
    const active = (await post(t, "globex", "/signups", { email: "eve@globex.test" })).id;
    const idle = (await post(t, "globex", "/signups", { email: "sam@globex.test" })).id;
    await t.advance(DAY + 60_000); // past the first day's sleep: both now wait for a first project
    await post(t, "globex", `/signups/${active}/projects`, { name: "launch" });
    await t.advance(15 * DAY);
    await t.settle();
    expect(await view(t, "globex", `/signups/${active}`)).toMatchObject({
      status: "complete",
      output: { version: "globex-onboarding@1", firstProject: "launch", review: { template: "review" } },
    });
    expect(await view(t, "globex", `/signups/${idle}`)).toMatchObject({
      status: "complete",
      output: { firstProject: null, review: { template: "review" } },
    });
  });

  it("a redeploy while an invoice waits: that invoice finishes on v1 (pinned), a new one runs v2", async () => {
    const t = await platform();
    const { id: old } = await post(t, "acme", "/invoices", {
      customer: "ada@acme.test",
      amountCents: 1,
      gatewayFailures: 0,
    });
    await t.settle();
    t.tenants.set(
      "acme",
      tenant("acme-invoices.js", "v2", (s) => s.replace("acme-invoices@1", "acme-invoices@2")),
    );
    const { id: fresh } = await post(t, "acme", "/invoices", {
      customer: "cy@acme.test",
      amountCents: 2,
      gatewayFailures: 0,
    });
    await post(t, "acme", `/invoices/${old}/approval`, { approved: true, by: "maria" });
    await post(t, "acme", `/invoices/${fresh}/approval`, { approved: true, by: "maria" });
    await t.settle();
    expect((await view(t, "acme", `/invoices/${old}`)).output).toMatchObject({ version: "acme-invoices@1" });
    expect((await view(t, "acme", `/invoices/${fresh}`)).output).toMatchObject({ version: "acme-invoices@2" });
  });
});

describe("examples/kv-platform: its pin is what bad-input/broken-deploy-mid-sleep checks (WF-05, WL-02)", () => {
  const CASE = ALL_CASES.find((c) => c.id === "bad-input/broken-deploy-mid-sleep")!;

  it('as shipped (PIN_VERSIONS "true", adapter "pinned"): the woken instance finishes on its original code', async () => {
    const result = await runCase(new EmulatorTarget("production", { subject: subject() }), CASE);
    expect({ status: result.status, error: result.error }).toEqual({ status: "pass", error: undefined });
  });

  it('wranglerEnv "unpinned" (wake loads the latest code) with the adapter still "pinned": the case fails', async () => {
    const unpinned = subject({ wranglerEnv: "unpinned" });
    expect(unpinned.vars).toEqual({ PIN_VERSIONS: "false" });
    const result = await runCase(new EmulatorTarget("production", { subject: unpinned }), CASE);
    expect(result.status).toBe("fail");
    expect(result.error).toMatch(/SyntaxError|broken/i);
  });
});

describe("examples/kv-platform: findings name the tenants' binding as the adapter names it (tenantBinding FLOWS)", () => {
  const CASE = ALL_CASES.find((c) => c.id === "isolation/cross-tenant-read")!;
  const explanationOf = async (target: EmulatorTarget) => {
    const result = await runCase(target, CASE);
    expect(result.status, result.error).toBe("finding");
    return result.findings?.map((f) => f.explanation).join("\n");
  };

  it("get-not-tenant-scoped says env.FLOWS.get, the call kv-platform's tenants make", async () => {
    const explanation = await explanationOf(new EmulatorTarget("production", { subject: subject() }));
    expect(explanation).toMatch(/^Tenant globex called env\.FLOWS\.get\(<acme's id>\)/);
    expect(explanation).not.toMatch(/WORKFLOWS/);
  });

  it("the reference dispatcher (no adapter tenantBinding) keeps env.WORKFLOWS.get", async () => {
    expect(await explanationOf(new EmulatorTarget("production"))).toMatch(/called env\.WORKFLOWS\.get\(/);
  });
});
