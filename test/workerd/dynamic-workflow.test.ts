/**
 * Conformance checks run INSIDE workerd (the vitest plugin), on the reference dispatcher's DynamicWorkflow: every
 * step runs in a probe tenant loaded through the real Worker Loader, and `cloudflare:test` introspection drives the
 * engine (no sleeps, mocked step results and errors). Each probe step returns a marker
 * { tenant, codeVersion, isolate, attempt, step } made by the tenant's own code (fixtures/tenants/probe-tenant.js).
 */
import { introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

interface Marker {
  tenant: string;
  codeVersion?: string;
  isolate?: string;
  attempt?: number;
  step: string;
}
interface ProbeOutput {
  tenant: string;
  codeVersion: string;
  instanceId: string;
  markers: Marker[];
}

/** A request to the tenant's worker through the dispatcher's default export (`x-tenant-id`). */
async function tenantRequest(tenant: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await exports.default.fetch(`https://dispatcher${path}`, {
    method: init.method ?? "GET",
    headers: { "x-tenant-id": tenant, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Creates an instance through the tenant's wrapped binding (the path a real tenant takes). */
async function createAs(tenant: string, id: string, params: unknown): Promise<string> {
  const { status, body } = await tenantRequest(tenant, "/workflows", { method: "POST", body: { id, params } });
  expect(status, JSON.stringify(body)).toBe(200);
  expect(body.id).toBe(id);
  return body.id;
}

function assertOwnTenant(output: ProbeOutput, tenant: string, steps: string[]) {
  expect(output.tenant).toBe(tenant);
  expect(output.markers.map((m) => m.step)).toEqual(steps);
  for (const marker of output.markers) {
    expect(marker.tenant).toBe(tenant);
    expect(marker.isolate?.startsWith(`${tenant}/`), `isolate ${marker.isolate}`).toBe(true);
  }
}

let seq = 0;
const uniqueId = (name: string) => `${name}-${++seq}-${crypto.randomUUID().slice(0, 8)}`;

describe("routing (in workerd)", () => {
  it("a dynamic workflow created through the tenant's wrapped binding runs its own tenant's code; a 30-day sleep is skipped", async () => {
    const id = uniqueId("acme-30d");
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
    });

    const started = Date.now();
    await createAs("acme", id, {
      plan: [{ do: "charge" }, { sleep: "wait-a-month", duration: "30 days" }, { do: "renew" }],
    });
    await instance.waitForStatus("complete");
    const elapsed = Date.now() - started;

    const output = (await instance.getOutput()) as ProbeOutput;
    expect(output.instanceId).toBe(id);
    assertOwnTenant(output, "acme", ["charge", "renew"]);
    expect(output.markers.map((m) => m.attempt)).toEqual([1, 1]);
    expect(elapsed).toBeLessThan(15_000);
    // The step result the engine recorded is the tenant's marker.
    expect(await instance.waitForStepResult({ name: "charge" })).toEqual(output.markers[0]);
    // The tenant sees the same through its wrapped binding.
    const view = await tenantRequest("acme", `/workflows/${id}`);
    expect(view.body.status).toBe("complete");
    expect(view.body.output).toEqual(output);
  });

  it("two tenants: each instance's markers are its own tenant's (introspectWorkflow on the dispatcher's binding)", async () => {
    await using introspector = await introspectWorkflow(env.WORKFLOWS);
    await introspector.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const plan = { plan: [{ do: "one" }, { sleep: "nap", duration: "1 day" }, { do: "two" }] };
    const ids = {
      acme: await createAs("acme", uniqueId("acme"), plan),
      globex: await createAs("globex", uniqueId("globex"), plan),
    };

    const instances = await introspector.get();
    expect(instances).toHaveLength(2);
    const outputs = new Map<string, ProbeOutput>();
    for (const instance of instances) {
      await instance.waitForStatus("complete");
      const output = (await instance.getOutput()) as ProbeOutput;
      outputs.set(output.instanceId, output);
    }
    for (const [tenant, id] of Object.entries(ids)) {
      assertOwnTenant(outputs.get(id)!, tenant, ["one", "two"]);
    }
    const isolates = new Set([...outputs.values()].flatMap((o) => o.markers.map((m) => m.isolate)));
    expect(isolates.size).toBe(2); // one warm isolate per tenant, never shared
  });

  it("params carrying their own __dispatcherMetadata cannot change routing (the envelope is nested)", async () => {
    const id = uniqueId("spoof");
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
    });
    await createAs("acme", id, { __dispatcherMetadata: { tenantId: "globex" }, params: { plan: [{ do: "x" }] } });
    await instance.waitForStatus("complete");
    // The inner envelope reaches acme's code as plain params (no top-level `plan`, so the probe's default plan).
    assertOwnTenant((await instance.getOutput()) as ProbeOutput, "acme", ["first", "second"]);
  });

  it("an instance created on the dispatcher's binding with the envelope runs that tenant's code", async () => {
    const id = uniqueId("envelope");
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, id);
    await env.WORKFLOWS.create({
      id,
      params: { __dispatcherMetadata: { tenantId: "initech" }, params: { plan: [{ do: "x" }] } },
    });
    await instance.waitForStatus("complete");
    assertOwnTenant((await instance.getOutput()) as ProbeOutput, "initech", ["x"]);
  });

  it("an instance created without the envelope fails with the library's missing-metadata error", async () => {
    const id = uniqueId("no-envelope");
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, id);
    await env.WORKFLOWS.create({ id, params: { plan: [{ do: "x" }] } });
    await instance.waitForStatus("errored");
    expect((await instance.getError()).message).toMatch(/missing dispatcher metadata/);
  });
});

describe("steps (in workerd)", () => {
  it("mockStepResult replaces a step that runs inside the tenant's code; the tenant callback never runs", async () => {
    const id = uniqueId("mock-result");
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, id);
    await instance.modify(async (m) => {
      await m.mockStepResult({ name: "charge" }, { mocked: true, amount: 42 });
    });
    // If the tenant's callback for "charge" ran even once, it would throw a NonRetryableError and the instance
    // would error; the mocked value is the only way this completes.
    await createAs("acme", id, {
      plan: [{ do: "charge", failTimes: 99, nonRetryable: true }, { do: "renew" }],
    });
    await instance.waitForStatus("complete");
    const output = (await instance.getOutput()) as ProbeOutput;
    expect(output.markers[0]).toEqual({ mocked: true, amount: 42 });
    expect(output.markers[1]).toMatchObject({ tenant: "acme", step: "renew", attempt: 1 });
    expect(output.tenant).toBe("acme");
    expect(await instance.waitForStepResult({ name: "charge" })).toEqual({ mocked: true, amount: 42 });
  });

  it("mockStepError fails a tenant step twice, then the retry runs the tenant's code and succeeds", async () => {
    const id = uniqueId("mock-error");
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, id);
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "charge" }, new Error("injected outage"), 2);
    });
    const started = Date.now();
    await createAs("globex", id, {
      plan: [{ do: "charge", config: { retries: { limit: 3, delay: "1 hour", backoff: "constant" } } }],
    });
    await instance.waitForStatus("complete");
    expect(Date.now() - started).toBeLessThan(15_000); // two 1-hour retry delays skipped
    const output = (await instance.getOutput()) as ProbeOutput;
    assertOwnTenant(output, "globex", ["charge"]);
    expect(output.markers[0].attempt).toBe(3); // attempts 1 and 2 were the mocked errors
  });

  it("mockStepError on every attempt exhausts the retries and the instance errors with the mocked error", async () => {
    const id = uniqueId("mock-error-always");
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, id);
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "charge" }, new Error("injected permanent outage"));
    });
    await createAs("acme", id, { plan: [{ do: "charge", config: { retries: { limit: 2, delay: "1 hour" } } }] });
    await instance.waitForStatus("errored");
    expect(await instance.getError()).toMatchObject({ message: expect.stringMatching(/injected permanent outage/) });
    const view = await tenantRequest("acme", `/workflows/${id}`);
    expect(view.body.status).toBe("errored");
  });
});
