/**
 * Each modification of `instance.modify(m => …)` on the emulator, one at a time, on a plain workflow: what runs,
 * what the trace records, and the rules shared with the vitest plugin (times, order, mocking twice).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator, Workflow } from "../../../emulator/index.ts";
import { introspectWorkflowInstance } from "../../../emulator/introspection/index.ts";
import { startPlain } from "../../support/plain.ts";

let emulator: Emulator | undefined;
afterEach(() => emulator?.dispose());

/** A plain workflow whose body is `body`; returns the emulator and its typed binding. */
async function start(
  body: string,
  profile: "production" | "local" = "production",
): Promise<{ emulator: Emulator; WORKFLOWS: Workflow }> {
  const plain = await startPlain(body, { profile });
  emulator = plain.emulator;
  return {
    emulator: plain.emulator,
    WORKFLOWS: (await plain.emulator.getBindings<{ WORKFLOWS: Workflow }>()).WORKFLOWS,
  };
}

const attempts = (e: Emulator, step: string) =>
  e.trace().filter((t) => t.type === "step.attempt" && t.step === step).length;

describe("modify(): steps", () => {
  it("mockStepResult returns the value without running the callback; the attempt is still counted and committed", async () => {
    const { emulator, WORKFLOWS } = await start(`
      return await step.do("charge", async () => { globalThis.log.push("charged"); return "real"; });`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "a");
    await instance.modify(async (m) => m.mockStepResult({ name: "charge" }, { mocked: 1 }));
    await WORKFLOWS.create({ id: "a" });
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ mocked: 1 });
    expect(attempts(emulator, "charge")).toBe(1);
    expect(instance.trace().some((t) => t.type === "step.commit" && t.step === "charge")).toBe(true);
    expect(await (await emulator.dispatchFetch("http://x/")).json()).toEqual([]); // the callback never ran
  });

  it("mockStepError with times covers consecutive attempts across calls, then the callback runs; a step index picks the occurrence", async () => {
    const { emulator, WORKFLOWS } = await start(`
      const config = { retries: { limit: 5, delay: "1 hour", backoff: "constant" } };
      await step.do("sync", config, async () => "first");
      return await step.do("sync", config, async (ctx) => "second, attempt " + ctx.attempt);`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "b");
    await instance.modify(async (m) => {
      await m.mockStepError({ name: "sync", index: 2 }, new Error("down"), 1);
      await m.forceStepTimeout({ name: "sync", index: 2 }, 2);
    });
    await WORKFLOWS.create({ id: "b" });
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toBe("second, attempt 4");
    const failures = instance.trace().flatMap((t) => (t.type === "step.failure" ? [`${t.count}:${t.error}`] : []));
    expect(failures).toEqual([
      "2:Error: down",
      "2:WorkflowTimeoutError: Execution timed out after 0ms",
      "2:WorkflowTimeoutError: Execution timed out after 0ms",
    ]);
    // Retry delays were not disabled: three one-hour waits passed in virtual time.
    expect(emulator.time.now() - Date.UTC(2026, 0, 1)).toBe(3 * 3_600_000);
  });

  it("disableRetryDelays: the retries run at once, every attempt still runs", async () => {
    const { emulator, WORKFLOWS } = await start(`
      return await step.do("flaky", { retries: { limit: 3, delay: "1 day", backoff: "exponential" } },
        async (ctx) => { if (ctx.attempt < 4) throw new Error("flaky " + ctx.attempt); return ctx.attempt; });`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "c");
    await instance.modify(async (m) => m.disableRetryDelays([{ name: "flaky" }]));
    await WORKFLOWS.create({ id: "c" });
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toBe(4);
    expect(emulator.time.now()).toBe(Date.UTC(2026, 0, 1));
  });

  it("a mock error wins over a mocked result; mocking a result twice, or an error after a result, is refused", async () => {
    const { WORKFLOWS } = await start(`return await step.do("s", async () => "real");`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "d");
    await instance.modify(async (m) => {
      await m.mockStepError({ name: "s" }, new TypeError("nope"));
      await m.mockStepResult({ name: "s" }, "mocked");
    });
    await expect(instance.modify((m) => m.mockStepResult({ name: "s" }, "again"))).rejects.toThrow(
      "[WorkflowIntrospector] Trying to mock step 's' multiple times!",
    );
    await expect(instance.modify((m) => m.forceStepTimeout({ name: "s" }))).rejects.toThrow(/after mocking its result/);
    await WORKFLOWS.create({ id: "d" });
    await instance.waitForStatus("errored");
    expect(await instance.getError()).toEqual({ name: "TypeError", message: "nope" });
    await expect(instance.waitForStepResult({ name: "s" })).rejects.toThrow("nope");
  });

  it("bad selectors and arguments are clear errors naming the method and the fix", async () => {
    const { WORKFLOWS } = await start(`return 1;`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "e");
    await expect(instance.modify((m) => m.mockStepResult("charge" as never, 1))).rejects.toThrow(
      /mockStepResult\(\) needs a step like \{ name: "charge", index\?: 1 \}, got "charge"/,
    );
    await expect(instance.modify((m) => m.disableSleeps([{ name: "nap", index: 0 }]))).rejects.toThrow(/1-based/);
    await expect(instance.modify((m) => m.mockStepError({ name: "s" }, "boom" as never))).rejects.toThrow(
      /needs an Error to throw/,
    );
    await expect(introspectWorkflowInstance({ create() {} } as never, "x")).rejects.toThrow(/emulator.getBindings\(\)/);
  });
});

describe("modify(): sleeps and events", () => {
  it.each(["production", "local"] as const)(
    "disableSleeps by name and index ends only that sleep; the others take their virtual time (%s)",
    async (profile) => {
      const { emulator, WORKFLOWS } = await start(
        `
      await step.sleep("nap", "1 day"); await step.sleep("nap", "2 days"); await step.sleep("rest", "4 days");
      return "rested";`,
        profile,
      );
      await using instance = await introspectWorkflowInstance(WORKFLOWS, "f");
      await instance.modify(async (m) => m.disableSleeps([{ name: "nap", index: 2 }]));
      await WORKFLOWS.create({ id: "f" });
      await instance.waitForStatus("complete");
      expect(emulator.time.now() - Date.UTC(2026, 0, 1)).toBe(5 * 86_400_000);
    },
  );

  it("disableSleeps on an instance already asleep ends the sleep on its next replay", async () => {
    const { emulator, WORKFLOWS } = await start(`await step.sleep("month", "30 days"); return "awake";`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "g");
    await WORKFLOWS.create({ id: "g" });
    await instance.waitForStatus("waiting");
    await instance.modify(async (m) => m.disableSleeps());
    instance.crash(); // the replay after the crash asks again
    await instance.waitForStatus("complete");
    expect(emulator.time.now()).toBe(Date.UTC(2026, 0, 1));
  });

  it("mockEvent before the instance exists is buffered for its first wait; a trace event marks when a wait starts", async () => {
    const { WORKFLOWS } = await start(`
      const e = await step.waitForEvent("approval", { type: "approved", timeout: "1 hour" });
      return e.payload;`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "h");
    await instance.modify(async (m) => m.mockEvent({ type: "approved", payload: { by: "ops" } }));
    await WORKFLOWS.create({ id: "h" });
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toEqual({ by: "ops" });
    const wait = instance.trace().find((t) => t.type === "event.wait");
    expect(wait).toMatchObject({
      step: "approval",
      count: 1,
      eventType: "approved",
      deadline: Date.UTC(2026, 0, 1) + 3_600_000,
    });
  });

  it("forceEventTimeout times the wait out at once, before a buffered event is taken", async () => {
    const { emulator, WORKFLOWS } = await start(`
      try { await step.waitForEvent("approval", { type: "approved", timeout: "7 days" }); return "approved"; }
      catch (error) { return error.name + ": " + error.message; }`);
    await using instance = await introspectWorkflowInstance(WORKFLOWS, "i");
    await instance.modify(async (m) => {
      await m.mockEvent({ type: "approved", payload: 1 });
      await m.forceEventTimeout({ name: "approval" });
    });
    await WORKFLOWS.create({ id: "i" });
    await instance.waitForStatus("complete");
    // As a natural timeout: the error crosses RPC into run() as "Error: WorkflowTimeoutError: …".
    expect(await instance.getOutput()).toMatch(/WorkflowTimeoutError: Execution timed out after 604800000ms$/);
    expect(emulator.time.now()).toBe(Date.UTC(2026, 0, 1));
    expect(instance.snapshot()?.bufferedEvents).toEqual({ approved: 1 });
  });
});
