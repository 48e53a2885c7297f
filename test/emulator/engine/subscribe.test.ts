/**
 * WF-84: `instance.subscribe({cursor?, filter?})` in the production profile: the instance's events in order, from a
 * cursor, filtered by type, waiting for the next one; the stream ends when the instance is terminal. The local engine
 * has no subscribe (§E.12).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

interface Subscribable {
  get(id: string): Promise<{
    subscribe(options?: { cursor?: number; filter?: string[] }): Promise<{
      next(): Promise<IteratorResult<{ type: string; eventId: number; instanceId: string; [k: string]: unknown }>>;
      [Symbol.dispose](): void;
    }>;
  }>;
}

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

const BODY = `await step.do("a", async () => 1); await step.sleep("nap", "1 minute"); return await step.do("b", async () => "out");`;

async function start(profile: "production" | "local") {
  current = await startPlain(BODY, { profile });
  return { ...current, subscribable: current.workflows as unknown as Subscribable };
}

async function drain(subscription: { next(): Promise<IteratorResult<{ type: string; eventId: number }>> }) {
  const seen: { type: string; eventId: number }[] = [];
  for (;;) {
    const next = await subscription.next();
    if (next.done) return seen;
    seen.push(next.value);
  }
}

describe("WF-84 subscribe() (production)", () => {
  it("WF-84 the instance's events in order with increasing eventIds; the stream ends once it is complete", async () => {
    const { emulator, workflows, subscribable } = await start("production");
    await workflows.create({ id: "s", params: { p: 1 } });
    const subscription = await (await subscribable.get("s")).subscribe();
    const all = drain(subscription);
    await emulator.runUntilIdle();
    const events = await all;
    // The replay after the sleep finds step "a" cached: it writes no second step_started (WF-84).
    expect(events.map((e) => e.type)).toEqual([
      "workflow_queued",
      "workflow_started",
      ...["step_started", "attempt_started", "attempt_completed", "step_completed"],
      "sleep_started",
      "workflow_waiting",
      "workflow_running",
      "sleep_completed",
      ...["step_started", "attempt_started", "attempt_completed", "step_completed"],
      "workflow_completed",
    ]);
    expect(events.map((e) => e.eventId)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(events[1]).toMatchObject({ instanceId: "s", params: { p: 1 } });
    expect(events[2]).toMatchObject({
      stepName: "a",
      config: { retries: { limit: 5, delay: 10_000, backoff: "exponential" }, timeout: 600_000 },
    });
    expect(events[6]).toMatchObject({ stepName: "nap", durationMs: 60_000 });
    expect(events[13]).toMatchObject({ stepName: "b", output: "out" });
    expect(events[14]).toMatchObject({ output: "out" });
  });

  it("WF-84 cursor and filter: only later events of the given types", async () => {
    const { emulator, workflows, subscribable } = await start("production");
    await workflows.create({ id: "f" });
    await emulator.runUntilIdle();
    const handle = await subscribable.get("f");
    expect((await drain(await handle.subscribe({ cursor: 13 }))).map((e) => e.eventId)).toEqual([14, 15]);
    expect((await drain(await handle.subscribe({ filter: ["workflow_completed"] }))).map((e) => e.type)).toEqual([
      "workflow_completed",
    ]);
  });
});

describe("WF-84 subscribe() (local)", () => {
  it("WF-84 [LOCAL] not implemented: subscribe() throws, naming the local engine", async () => {
    const { emulator, workflows, subscribable } = await start("local");
    await workflows.create({ id: "l" });
    await expect((await subscribable.get("l")).subscribe()).rejects.toThrow("not implemented by the local engine");
    await emulator.runUntilIdle();
  });
});
