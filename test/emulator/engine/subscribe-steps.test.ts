/**
 * WF-84: the step-level events of `subscribe()` (production): attempts and their retries, sensitive outputs, waits,
 * rollback chains, and what a crash and the replay after it leave in the log (each event stands for something that
 * happened once: a replay writes no second `step_started`, an interrupted attempt keeps its `attempt_started`).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

type Event = { type: string; eventId: number; [k: string]: unknown };
interface Subscribable {
  get(
    id: string,
  ): Promise<{ subscribe(options?: { filter?: string[] }): Promise<{ next(): Promise<IteratorResult<Event>> }> }>;
}

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

/** Runs `body` in one instance to the end and returns its whole event log, workflow_* events left out. */
async function stepEvents(body: string, before?: (plain: PlainWorkflow) => void): Promise<Event[]> {
  current = await startPlain(body, { profile: "production" });
  before?.(current);
  await current.workflows.create({ id: "i" });
  await current.emulator.runUntilIdle({ fireTimeouts: true });
  const subscription = await (await (current.workflows as unknown as Subscribable).get("i")).subscribe();
  const events: Event[] = [];
  for (let next = await subscription.next(); !next.done; next = await subscription.next()) events.push(next.value);
  expect(events.at(-1)?.type).toMatch(/^workflow_(completed|errored|terminated)$/);
  return events.filter((e) => !e.type.startsWith("workflow_"));
}

const brief = (events: Event[]) =>
  events.map((e) => `${e.type}${e.stepName ? ` ${e.stepName}` : ""}${e.attempt ? `#${e.attempt}` : ""}`);

describe("WF-84 subscribe() step events (production)", () => {
  it("WF-84 a failing step: attempt_errored with the error and retryDelayMs while it retries, then step_errored", async () => {
    const events = await stepEvents(
      `await step.do("f", { retries: { limit: 1, delay: "1 second", backoff: "constant" } }, async () => { throw new Error("no"); });`,
    );
    expect(brief(events)).toEqual([
      "step_started f",
      "attempt_started f#1",
      "attempt_errored f#1",
      "attempt_started f#2",
      "attempt_errored f#2",
      "step_errored f",
    ]);
    expect(events[2]).toMatchObject({ retryDelayMs: 1_000, error: { name: "Error", message: "no" } });
    expect(events[4]).not.toHaveProperty("retryDelayMs");
  });

  it("WF-84 WF-21 a sensitive step's step_completed output is [REDACTED]; its step_started config says so", async () => {
    const events = await stepEvents(`return await step.do("s", { sensitive: "output" }, async () => "secret");`);
    expect(events.find((e) => e.type === "step_completed")).toMatchObject({ stepName: "s", output: "[REDACTED]" });
    expect(events[0]).toMatchObject({ type: "step_started", config: { sensitive: "output" } });
  });

  it("WF-84 waits: wait_started with its event type, then wait_completed, or wait_timed_out", async () => {
    const events = await stepEvents(
      `try { await step.waitForEvent("late", { type: "never", timeout: "1 second" }); } catch {}`,
    );
    expect(brief(events)).toEqual(["wait_started late", "wait_timed_out late"]);
    expect(events[0]).toMatchObject({ eventType: "never" });
  });

  it("WF-84 a delivered event: wait_started then wait_completed", async () => {
    current = await startPlain(`await step.waitForEvent("w", { type: "go" });`, { profile: "production" });
    const handle = await current.workflows.create({ id: "i" });
    await current.emulator.runUntilIdle();
    await handle.sendEvent({ type: "go", payload: 1 });
    await current.emulator.runUntilIdle();
    const subscription = await (await (current.workflows as unknown as Subscribable).get("i")).subscribe({
      filter: ["wait_started", "wait_completed"],
    });
    expect(brief([(await subscription.next()).value as Event, (await subscription.next()).value as Event])).toEqual([
      "wait_started w",
      "wait_completed w",
    ]);
    expect((await subscription.next()).done).toBe(true);
  });

  it("WF-84 a crash after the callback, before the commit: the attempt keeps its attempt_started, the step is started once", async () => {
    const events = await stepEvents(`return await step.do("a", async () => 1);`, ({ emulator }) =>
      emulator.crash("afterStepCallback", { step: "a" }),
    );
    // Production does not count the interrupted attempt (WF-90), so the attempt run after the crash is #1 again.
    expect(brief(events)).toEqual([
      "step_started a",
      "attempt_started a#1",
      "attempt_started a#1",
      "attempt_completed a#1",
      "step_completed a",
    ]);
  });

  it("WF-84 a crash after the commit: the replay finds the step cached and writes nothing for it", async () => {
    const events = await stepEvents(
      `await step.do("a", async () => 1); return await step.do("b", async () => 2);`,
      ({ emulator }) => emulator.crash("afterStepCommit", { step: "a" }),
    );
    expect(brief(events)).toEqual([
      ...["step_started a", "attempt_started a#1", "attempt_completed a#1", "step_completed a"],
      ...["step_started b", "attempt_started b#1", "attempt_completed b#1", "step_completed b"],
    ]);
    expect(current!.emulator.trace().filter((e) => e.type === "step.cached")).toHaveLength(1);
  });
});

describe("WF-84 WF-43 subscribe() rollback events (production)", () => {
  const CHAIN = `
    for (const name of ["a", "b"]) await step.do(name, async () => name, { rollback: async () => "undone-" + name });
    throw new Error("boom");
  `;

  it("WF-84 WF-43 a chain: rollback_started, each step's rollback LIFO, rollback_completed, then workflow_errored", async () => {
    const events = await stepEvents(CHAIN);
    expect(brief(events).slice(8)).toEqual([
      "rollback_started",
      ...[
        "rollback_step_started b",
        "rollback_attempt_started b#1",
        "rollback_attempt_completed b#1",
        "rollback_step_completed b",
      ],
      ...[
        "rollback_step_started a",
        "rollback_attempt_started a#1",
        "rollback_attempt_completed a#1",
        "rollback_step_completed a",
      ],
      "rollback_completed",
    ]);
  });

  it("WF-84 LE-09 a crash mid-chain: the resumed chain writes no second rollback_started and no second b", async () => {
    const events = await stepEvents(CHAIN, ({ emulator }) => emulator.crash("afterStepCommit", { step: "rollback:b" }));
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "rollback_started")).toHaveLength(1);
    expect(brief(events).filter((e) => e.startsWith("rollback_step_completed"))).toEqual([
      "rollback_step_completed b",
      "rollback_step_completed a",
    ]);
    expect(types.at(-1)).toBe("rollback_completed");
    expect(current!.emulator.trace().filter((e) => e.type === "rollback.start")).toHaveLength(2);
  });

  it("WF-84 WF-43 a failing rollback: rollback_step_errored with its error, then rollback_errored", async () => {
    const events = await stepEvents(`
      await step.do("a", async () => 1, { rollback: async () => { throw new NonRetryableError("stuck"); } });
      throw new Error("boom");
    `);
    expect(brief(events).slice(4)).toEqual([
      "rollback_started",
      "rollback_step_started a",
      "rollback_attempt_started a#1",
      "rollback_attempt_errored a#1",
      "rollback_step_errored a",
      "rollback_errored",
    ]);
    expect(events.at(-2)).toMatchObject({ error: { message: expect.stringContaining("stuck") } });
  });
});
