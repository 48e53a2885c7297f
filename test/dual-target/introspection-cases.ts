/**
 * One test body, two runtimes: each case below runs under the vitest plugin inside workerd (test/workerd/
 * dual-target.test.ts, `cloudflare:test`) and on the emulator (test/emulator/introspection/dual-target.test.ts,
 * `dynamic-workflows-conformance/introspection`), with the same assertions. A probe tenant's workflow runs through
 * the reference dispatcher: the tenant creates its instance through its wrapped binding (`x-tenant-id`), so every
 * step runs in the tenant's own dynamic worker, loaded through the Worker Loader.
 *
 * Only what both runtimes share is used: the structural types below match `cloudflare:test`'s and the emulator's.
 */
import { expect } from "vitest";

interface StepSelector {
  name: string;
  index?: number;
}

export interface Modifier {
  disableSleeps(steps?: StepSelector[]): Promise<void>;
  disableRetryDelays(steps?: StepSelector[]): Promise<void>;
  mockStepResult(step: StepSelector, stepResult: unknown): Promise<void>;
  mockStepError(step: StepSelector, error: Error, times?: number): Promise<void>;
  forceStepTimeout(step: StepSelector, times?: number): Promise<void>;
  mockEvent(event: { type: string; payload: unknown }): Promise<void>;
  forceEventTimeout(step: StepSelector): Promise<void>;
}

export interface InstanceIntrospector {
  modify(fn: (m: Modifier) => Promise<void>): Promise<unknown>;
  waitForStepResult(step: StepSelector): Promise<unknown>;
  waitForStatus(status: "running" | "complete" | "errored" | "waiting" | "paused" | "terminated"): Promise<void>;
  getOutput(): Promise<unknown>;
  getError(): Promise<{ name: string; message: string }>;
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface WorkflowIntrospector {
  modifyAll(fn: (m: Modifier) => Promise<void>): Promise<void>;
  get(): Promise<InstanceIntrospector[]>;
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What a runtime gives the cases: the dispatcher's Workflow binding and fetch, and the two helpers. */
export interface IntrospectionTarget {
  readonly binding: unknown;
  /** A request to the dispatcher's default export. */
  fetch(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response>;
  introspectWorkflowInstance(binding: unknown, id: string): Promise<InstanceIntrospector>;
  introspectWorkflow(binding: unknown): Promise<WorkflowIntrospector>;
}

interface Marker {
  tenant: string;
  step: string;
  attempt?: number;
  event?: string;
  payload?: unknown;
  mocked?: boolean;
  streamBytes?: number;
}

/** A subscription: charge, a 30-day grace period, an approval (1 hour at most), provisioning (retried), a notice. */
const PLAN = [
  { do: "charge" },
  { sleep: "grace-period", duration: "30 days" },
  { wait: "approval", type: "approval", timeout: "1 hour" },
  { do: "provision", config: { retries: { limit: 3, delay: "1 minute", backoff: "constant" } } },
  { do: "notify" },
];

/** Creates an instance as the tenant does, through its wrapped binding; answers the instance id. */
async function createAs(
  target: IntrospectionTarget,
  tenant: string,
  id?: string,
  plan: readonly object[] = PLAN,
): Promise<string> {
  const response = await target.fetch("https://dispatcher/workflows", {
    method: "POST",
    headers: { "x-tenant-id": tenant, "content-type": "application/json" },
    body: JSON.stringify({ id, params: { plan } }),
  });
  const body = (await response.json()) as { id: string };
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.id;
}

const uniqueId = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

export const introspectionCases: Record<string, (target: IntrospectionTarget) => Promise<void>> = {
  async "a known instance: no sleep, a mocked approval, two mocked provisioning failures, a mocked notice"(target) {
    const id = uniqueId("acme");
    await using instance = await target.introspectWorkflowInstance(target.binding, id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
      await m.mockEvent({ type: "approval", payload: { by: "alice" } });
      await m.mockStepError({ name: "provision" }, new Error("provisioning API down"), 2);
      await m.disableRetryDelays();
      await m.mockStepResult({ name: "notify" }, { tenant: "mock", step: "notify", mocked: true });
    });
    expect(await createAs(target, "acme", id)).toBe(id);

    await instance.waitForStatus("complete");
    const output = (await instance.getOutput()) as { tenant: string; instanceId: string; markers: Marker[] };
    expect(output.tenant).toBe("acme");
    expect(output.instanceId).toBe(id);
    expect(output.markers).toMatchObject([
      { tenant: "acme", step: "charge", attempt: 1 },
      { tenant: "acme", step: "approval", event: "approval", payload: { by: "alice" } },
      // Attempts 1 and 2 were the mocked errors; the tenant's own code ran the third.
      { tenant: "acme", step: "provision", attempt: 3 },
      { tenant: "mock", step: "notify", mocked: true },
    ]);
    expect(await instance.waitForStepResult({ name: "provision" })).toEqual(output.markers[2]);
    expect(await instance.waitForStepResult({ name: "notify" })).toEqual({
      tenant: "mock",
      step: "notify",
      mocked: true,
    });
    await expect(instance.getError()).rejects.toThrow(/must be "errored"/);
  },

  async "an approval that never comes: the forced event timeout ends the instance errored"(target) {
    const id = uniqueId("globex");
    await using instance = await target.introspectWorkflowInstance(target.binding, id);
    await instance.modify(async (m) => {
      await m.disableSleeps([{ name: "grace-period" }]);
      await m.forceEventTimeout({ name: "approval" });
    });
    await createAs(target, "globex", id);

    await expect(instance.waitForStatus("complete")).rejects.toThrow(/finite status/);
    await instance.waitForStatus("errored");
    const error = await instance.getError();
    expect(error.message).toMatch(/timed out/i);
    await expect(instance.getOutput()).rejects.toThrow(/must be "complete"/);
    expect(await instance.waitForStepResult({ name: "charge" })).toMatchObject({ tenant: "globex", attempt: 1 });
  },

  async "a step that always fails: waitForStepResult rejects, the instance ends errored with the mocked error"(target) {
    const id = uniqueId("initech");
    await using instance = await target.introspectWorkflowInstance(target.binding, id);
    await instance.modify(async (m) => {
      await m.disableSleeps();
      await m.mockEvent({ type: "approval", payload: null });
      await m.mockStepError({ name: "provision" }, new Error("quota exceeded"));
      await m.disableRetryDelays([{ name: "provision" }]);
    });
    await createAs(target, "initech", id);

    // Rejects once the step failed for good (the plugin with "Step failed", the emulator with the step's error).
    await expect(instance.waitForStepResult({ name: "provision" })).rejects.toThrow();
    await instance.waitForStatus("errored");
    expect((await instance.getError()).message).toContain("quota exceeded");
  },

  async "WF-21 / WF-19: waitForStepResult answers [REDACTED] for a sensitive step and a new stream for a streamed one"(
    target,
  ) {
    const id = uniqueId("acme");
    await using instance = await target.introspectWorkflowInstance(target.binding, id);
    await createAs(target, "acme", id, [
      { do: "token", config: { sensitive: "output" } },
      { do: "blob", stream: { padBytes: 10 } },
    ]);
    await instance.waitForStatus("complete");
    const { markers } = (await instance.getOutput()) as { markers: Marker[] };
    // The workflow received both outputs whole: the sensitive marker, and the streamed one read from its stream.
    expect(markers).toMatchObject([
      { tenant: "acme", step: "token", attempt: 1 },
      { tenant: "acme", step: "blob", attempt: 1 },
    ]);
    expect(await instance.waitForStepResult({ name: "token" })).toBe("[REDACTED]");
    const blob = await instance.waitForStepResult({ name: "blob" });
    expect(blob).toBeInstanceOf(ReadableStream);
    const line = JSON.stringify({ ...markers[1], streamBytes: undefined });
    expect(await new Response(blob as ReadableStream).text()).toBe(`${line}\n${" ".repeat(10)}`);
  },

  async "instances whose ids are unknown: modifyAll applies to each tenant's new instance, each runs its own code"(
    target,
  ) {
    await using introspector = await target.introspectWorkflow(target.binding);
    await introspector.modifyAll(async (m) => {
      await m.disableSleeps();
      await m.mockEvent({ type: "approval", payload: { by: "bot" } });
      await m.forceStepTimeout({ name: "provision" }, 1);
      await m.disableRetryDelays();
    });
    const ids = [await createAs(target, "acme"), await createAs(target, "globex")];

    const instances = await introspector.get();
    expect(instances).toHaveLength(2);
    const outputs: Array<{ tenant: string; instanceId: string; markers: Marker[] }> = [];
    for (const instance of instances) {
      await instance.waitForStatus("complete");
      outputs.push((await instance.getOutput()) as (typeof outputs)[number]);
    }
    expect(outputs.map((o) => o.instanceId).sort()).toEqual([...ids].sort());
    for (const output of outputs) {
      for (const marker of output.markers) expect(marker.tenant).toBe(output.tenant);
      // The forced timeout took attempt 1; the tenant's code ran attempt 2.
      expect(output.markers.find((m) => m.step === "provision")?.attempt).toBe(2);
    }
    expect(outputs.map((o) => o.tenant).sort()).toEqual(["acme", "globex"]);
  },
};
