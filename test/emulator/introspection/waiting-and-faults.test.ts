/**
 * How introspectors wait on the emulator (virtual time runs; an idle wait fails with what the instance is blocked
 * on), dispose, introspectWorkflow sessions, the emulator-only handle methods (crash, evict, advance), and
 * `runUntilIdle({ fireTimeouts })`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator, Workflow } from "../../../emulator/index.ts";
import { introspectWorkflow, introspectWorkflowInstance } from "../../../emulator/introspection/index.ts";
import { startPlain } from "../../support/plain.ts";

let emulator: Emulator | undefined;
afterEach(() => emulator?.dispose());

async function start(body: string, profile: "production" | "local" = "production") {
  const plain = await startPlain(body, { profile });
  emulator = plain.emulator;
  return {
    emulator: plain.emulator,
    WORKFLOWS: (await plain.emulator.getBindings<{ WORKFLOWS: Workflow }>()).WORKFLOWS,
  };
}

const APPROVAL = `
  await step.do("prepare", async () => "prepared");
  const e = await step.waitForEvent("approval", { type: "approved", timeout: "2 hours" });
  return e.payload;`;

describe("waiting on the emulator", () => {
  it("waitForStatus runs virtual time through sleeps; a status passed between two quiet moments counts", async () => {
    const { emulator, WORKFLOWS } = await start(`await step.sleep("s", "10 days"); return "done";`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "a");
    await WORKFLOWS.create({ id: "a" });
    await instance.waitForStatus("running"); // passed before the sleep hibernated it
    await instance.waitForStatus("complete");
    expect(emulator.time.now() - Date.UTC(2026, 0, 1)).toBe(10 * 86_400_000);
  });

  it("an instance blocked on an event: the wait fails naming the event, its deadline and the ways out", async () => {
    const { WORKFLOWS } = await start(APPROVAL);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "b");
    await WORKFLOWS.create({ id: "b" });
    expect(await instance.waitForStepResult({ name: "prepare" })).toBe("prepared");
    await expect(instance.waitForStatus("complete")).rejects.toThrow(
      /waitForStatus\("complete"\): the instance b is 'running' .*waits for event "approved" \(waitForEvent 'approval', index 1, times out at 2026-01-01T02:00:00.000Z\)\. Send the event .*forceEventTimeout.*fireTimeouts/,
    );
  });

  it("an event sent right after the wait starts is taken: the wait gives the test a few turns first", async () => {
    const { WORKFLOWS } = await start(APPROVAL);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "c");
    const handle = await WORKFLOWS.create({ id: "c" });
    const done = instance.waitForStatus("complete");
    await handle.sendEvent({ type: "approved", payload: "yes" });
    await done;
    expect(await instance.getOutput()).toBe("yes");
  });

  it("a wait on an instance that is never created fails saying so", async () => {
    const { WORKFLOWS } = await start(`return 1;`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "never");
    await expect(instance.waitForStatus("complete")).rejects.toThrow(/the instance never does not exist/);
  });

  it("waitForStepResult rejects when the instance ends without that step", async () => {
    const { WORKFLOWS } = await start(`return await step.do("real", async () => 1);`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "d");
    await WORKFLOWS.create({ id: "d" });
    await expect(instance.waitForStepResult({ name: "real", index: 2 })).rejects.toThrow(
      /reached status 'complete' without a result for step 'real' \(index 2\)/,
    );
  });

  it.each(["production", "local"] as const)(
    "runUntilIdle leaves an event wait running; with fireTimeouts its timeout fires (%s profile)",
    async (profile) => {
      const { emulator, WORKFLOWS } = await start(APPROVAL, profile);
      await using instance = await introspectWorkflowInstance(WORKFLOWS, "e");
      await WORKFLOWS.create({ id: "e" });
      await emulator.runUntilIdle();
      expect(instance.snapshot()?.status).toBe("running"); // WF-69: an event wait is running, not waiting
      await emulator.runUntilIdle({ fireTimeouts: true });
      expect(instance.snapshot()?.status).toBe("errored");
      expect(emulator.time.now() - Date.UTC(2026, 0, 1)).toBe(2 * 3_600_000);
      expect(instance.trace().map((t) => t.type)).toContain("event.timeout");
    },
  );
});

describe("dispose and introspectWorkflow", () => {
  it("dispose removes the instance and its mocks, so a later test can create the same id afresh", async () => {
    const { emulator, WORKFLOWS } = await start(`return await step.do("s", async () => "real");`);
    {
      await using instance = await introspectWorkflowInstance(WORKFLOWS, "same");
      await instance.modify((m) => m.mockStepResult({ name: "s" }, "mocked"));
      await WORKFLOWS.create({ id: "same" });
      await instance.waitForStatus("complete");
      expect(await instance.getOutput()).toBe("mocked");
    }
    expect(emulator.instances()).toEqual([]);
    await using again = await introspectWorkflowInstance(WORKFLOWS, "same");
    await WORKFLOWS.create({ id: "same" });
    await again.waitForStatus("complete");
    expect(await again.getOutput()).toBe("real");
    await again.dispose();
    await expect(again.waitForStatus("complete")).rejects.toThrow(/disposed introspector/);
  });

  it("introspectWorkflow applies modifyAll to instances created afterwards only, and stops at dispose", async () => {
    const { WORKFLOWS } = await start(`return await step.do("s", async () => "real");`);
    const before = await WORKFLOWS.create();
    const introspector = await introspectWorkflow(WORKFLOWS);
    await introspector.modifyAll(async (m) => m.mockStepResult({ name: "s" }, "mocked"));
    await expect(introspector.modifyAll((m) => m.disableSleeps("nap" as never))).rejects.toThrow(/takes an array/);
    await WORKFLOWS.create({ id: "x1" });
    await WORKFLOWS.create({ id: "x2" });
    const instances = await introspector.get();
    expect(instances.map((i) => i.instanceId)).toEqual(["x1", "x2"]);
    for (const instance of instances) {
      await instance.waitForStatus("complete");
      expect(await instance.getOutput()).toBe("mocked");
    }
    expect((await before.status()).output).toBe("real");
    await introspector.dispose();
    const after = await WORKFLOWS.create({ id: "x3" });
    await emulator!.runUntilIdle();
    expect((await after.status()).output).toBe("real");
    expect(emulator!.instances().map((i) => i.id)).toEqual([before.id, "x3"]); // x1, x2 disposed with it
  });
});

describe("what only the emulator can do, on the same handle", () => {
  it("crash after a step's callback: the step runs again (at-least-once); after its commit: never again", async () => {
    const { WORKFLOWS } = await start(`
      const a = await step.do("charge", async () => { globalThis.log.push("charge"); return 1; });
      await step.sleep("wait", "1 day");
      return a + await step.do("renew", async () => 2);`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "f");
    instance.crash("afterStepCallback", { step: "charge" });
    instance.crash("afterStepCommit", { step: "renew" });
    await WORKFLOWS.create({ id: "f" });
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toBe(3);
    const attempts = (step: string) => instance.trace().filter((t) => t.type === "step.attempt" && t.step === step);
    expect(attempts("charge")).toHaveLength(2);
    expect(attempts("renew")).toHaveLength(1);
    expect(instance.snapshot()?.lifetimes).toBeGreaterThanOrEqual(3);
  });

  it("advance jumps time (an event timeout included); handle() is the typed binding handle", async () => {
    const { WORKFLOWS } = await start(APPROVAL);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "g");
    await WORKFLOWS.create({ id: "g" });
    await instance.waitForStepResult({ name: "prepare" });
    await instance.advance(3 * 3_600_000);
    const status = await (await instance.handle()).status();
    expect(status.status).toBe("errored");
    expect(status.error?.message).toMatch(/timed out/);
    expect(instance.evict()).toEqual([]); // a plain workflow loads no dynamic workers
  });
});

describe("plugin rules kept", () => {
  it("one introspectWorkflow session per workflow at a time (VT-03); waitForStepResult answers a JSON copy (VT-10)", async () => {
    const { WORKFLOWS } = await start(`return await step.do("when", async () => ({ at: new Date(0) }));`);
    const first = await introspectWorkflow(WORKFLOWS);
    await expect(introspectWorkflow(WORKFLOWS)).rejects.toThrow(
      /Workflow "flow" already has an active introspection session for binding "WORKFLOWS"/,
    );
    await WORKFLOWS.create({ id: "j" });
    const [instance] = await first.get();
    expect(await instance.waitForStepResult({ name: "when" })).toEqual({ at: "1970-01-01T00:00:00.000Z" });
    await first.dispose();
    await (await introspectWorkflow(WORKFLOWS)).dispose();
  });
});
