/**
 * step.waitForEvent and instance.sendEvent (spec A3): WF-60..WF-68.
 *
 * runUntilIdle stops when an instance is blocked on an event, and does not fire event-wait timeouts by itself, so
 * tests move time with `emulator.time.advance` where a timeout must fire.
 */
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE, PROFILES, runStarts, SECOND, T0, traceOf, usePlain } from "../../support/engine.ts";

const start = usePlain();

/** WF-69: blocked on an event. Local reports `running`; production's status here is not settled by the docs. */
const BLOCKED = { production: ["running", "waiting"], local: ["running"] } as const;

/** Starts a plain workflow, creates instance "i" and runs until it is idle (done, or blocked on an event). */
async function begin(body: string, profile: (typeof PROFILES)[number] = "production") {
  const plain = await start(body, { profile });
  const handle = await plain.workflows.create({ id: "i" });
  await plain.emulator.runUntilIdle();
  return { ...plain, handle };
}

describe("WF-60 event shape", () => {
  it.each(PROFILES)("WF-60 waitForEvent resolves to {payload, timestamp: Date, type} (%s)", async (profile) => {
    const { emulator, handle } = await begin(
      `
      const e = await step.waitForEvent("w", { type: "approval" });
      return {
        keys: Object.keys(e).sort(),
        isDate: e.timestamp instanceof Date,
        timestamp: e.timestamp.getTime(),
        type: e.type,
        payload: e.payload,
      };
      `,
      profile,
    );
    expect(BLOCKED[profile]).toContain((await handle.status()).status);
    await emulator.time.advance(5 * SECOND);
    await handle.sendEvent({ type: "approval", payload: { approved: true, by: "ops" } });
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toEqual({
      keys: ["payload", "timestamp", "type"],
      isDate: true,
      timestamp: T0 + 5 * SECOND,
      type: "approval",
      payload: { approved: true, by: "ops" },
    });
  });
});

describe("WF-61 event types", () => {
  const waitWith = (type: string) => `
    try {
      await step.waitForEvent("w", { type: ${JSON.stringify(type)}, timeout: "1 minute" });
      return "waited";
    } catch (e) {
      return { name: e.name, message: e.message };
    }
  `;

  it.each(["with.dot", "x".repeat(101), "-leading-dash", "has space", ""])(
    "WF-61 (production) waitForEvent rejects the type %j with workflow.invalid_event_type",
    async (type) => {
      const { handle, emulator } = await begin(waitWith(type));
      const status = await handle.status();
      expect(status.status).toBe("complete");
      expect(status.output.message).toContain("workflow.invalid_event_type");
      expect(emulator.time.now()).toBe(T0);
    },
  );

  it.each(["with.dot", "x".repeat(101)])("WF-61 (production) sendEvent rejects the type %j", async (type) => {
    const { handle, emulator } = await begin(`return await step.waitForEvent("w", { type: "ok" });`);
    await expect(handle.sendEvent({ type, payload: 1 })).rejects.toThrow("workflow.invalid_event_type");
    expect(traceOf(emulator, "event.send")).toHaveLength(0);
  });

  it.each(["x".repeat(100), "_under_score", "a-b_C9"])(
    "WF-61 (production) the valid type %j is delivered",
    async (type) => {
      const { emulator, handle } = await begin(
        `return (await step.waitForEvent("w", { type: ${JSON.stringify(type)} })).payload;`,
      );
      await handle.sendEvent({ type, payload: "ok" });
      await emulator.runUntilIdle();
      expect(await handle.status()).toMatchObject({ status: "complete", output: "ok" });
    },
  );

  it("WF-61 (local) event types are not validated: a type with a dot is delivered", async () => {
    const { emulator, handle } = await begin(
      `return (await step.waitForEvent("w", { type: "with.dot" })).payload;`,
      "local",
    );
    await handle.sendEvent({ type: "with.dot", payload: "delivered" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "delivered" });
  });
});

describe("WF-62 timeouts", () => {
  const unanswered = (options: string) => `
    try {
      await step.waitForEvent("w", ${options});
      return "got an event";
    } catch (e) {
      return { name: e.name, message: e.message, at: Date.now() };
    }
  `;

  it.each(PROFILES)(
    "WF-62 an unanswered wait with no timeout times out exactly 24 hours after it started (%s)",
    async (profile) => {
      const { emulator, handle } = await begin(unanswered(`{ type: "never" }`), profile);
      await emulator.time.advance(DAY - 1);
      expect(BLOCKED[profile]).toContain((await handle.status()).status);
      await emulator.time.advance(1);
      await emulator.runUntilIdle();
      const status = await handle.status();
      expect(status.status).toBe("complete");
      expect(status.output.at).toBe(T0 + DAY);
      expect(traceOf(emulator, "event.timeout").map((e) => e.time)).toEqual([T0 + DAY]);
    },
  );

  it("WF-62 (local) a timeout of 0 means the 24-hour default", async () => {
    const { emulator, handle } = await begin(unanswered(`{ type: "never", timeout: 0 }`), "local");
    await emulator.time.advance(DAY - 1);
    expect(BLOCKED.local).toContain((await handle.status()).status);
    await emulator.time.advance(1);
    await emulator.runUntilIdle();
    expect((await handle.status()).output.at).toBe(T0 + DAY);
  });

  it.each([
    ["1 second", SECOND],
    ["365 days", 365 * DAY],
  ])("WF-62 (production) a timeout of %s is within range", async (timeout, ms) => {
    const { emulator, handle } = await begin(unanswered(`{ type: "never", timeout: ${JSON.stringify(timeout)} }`));
    expect(BLOCKED.production).toContain((await handle.status()).status);
    await emulator.time.advance(ms);
    await emulator.runUntilIdle();
    // The engine (compat 2024-10-22, no enhanced_error_serialization) throws it into run(): the name becomes a prefix.
    expect((await handle.status()).output).toEqual({
      name: "Error",
      message: `WorkflowTimeoutError: Execution timed out after ${ms}ms`,
      at: T0 + ms,
    });
  });

  it.each([
    ["500 ms", "500"],
    ["366 days", `"366 days"`],
  ])("WF-62 (production) a timeout of %s is out of range and rejected", async (_what, timeout) => {
    const { emulator, handle } = await begin(`
        try {
          await step.waitForEvent("w", { type: "never", timeout: ${timeout} });
          return "waited";
        } catch (e) {
          return { message: e.message, at: Date.now() };
        }
      `);
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(typeof status.output.message).toBe("string");
    expect(status.output.at).toBe(T0);
    expect(traceOf(emulator, "event.timeout")).toHaveLength(0);
  });

  it("WF-62 (local) there is no range check: a 500 ms timeout times out after 500 ms", async () => {
    const { emulator, handle } = await begin(unanswered(`{ type: "never", timeout: 500 }`), "local");
    await emulator.time.advance(500);
    await emulator.runUntilIdle();
    expect((await handle.status()).output).toEqual({
      name: "Error",
      message: "WorkflowTimeoutError: Execution timed out after 500ms",
      at: T0 + 500,
    });
  });
});

describe("WF-63 timeout errors", () => {
  const caughtThenSleep = `
    let caught;
    try {
      await step.waitForEvent("w", { type: "go", timeout: "1 hour" });
    } catch (e) {
      await record("caught");
      caught = { name: e.name, message: e.message };
    }
    await step.sleep("nap", "1 hour");
    return caught;
  `;

  it("WF-63 (production) the timeout throws, can be caught, and is thrown again from the cache on replay", async () => {
    const { records, emulator, handle } = await begin(caughtThenSleep);
    await emulator.time.advance(HOUR);
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toEqual({
      name: "Error",
      message: "WorkflowTimeoutError: Execution timed out after 3600000ms",
    });
    // the sleep hibernated the instance; the replay after it threw the cached timeout (caught twice, timed out once)
    expect(runStarts(emulator)).toBeGreaterThanOrEqual(2);
    expect(records).toEqual(["caught", "caught"]);
    expect(traceOf(emulator, "event.timeout")).toHaveLength(1);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toEqual(["w"]);
  });

  it("WF-63 (local) the error arrives as Error 'WorkflowTimeoutError: Execution timed out after <ms>ms'", async () => {
    const { emulator, handle } = await begin(caughtThenSleep, "local");
    await emulator.time.advance(HOUR);
    await emulator.runUntilIdle();
    // Thrown by the engine (legacy error serialization): name "Error", the original name as a message prefix.
    expect((await handle.status()).output).toEqual({
      name: "Error",
      message: "WorkflowTimeoutError: Execution timed out after 3600000ms",
    });
  });

  it.each(PROFILES)("WF-63 an uncaught timeout errors the instance (%s)", async (profile) => {
    const { emulator, handle } = await begin(
      `await step.waitForEvent("w", { type: "go", timeout: "1 second" }); return "done";`,
      profile,
    );
    await emulator.time.advance(SECOND);
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("errored");
    expect(status.error).toEqual({ name: "Error", message: "WorkflowTimeoutError: Execution timed out after 1000ms" });
  });
});

describe("WF-64 matching and FIFO", () => {
  it.each(PROFILES)("WF-64 events of a type are consumed FIFO, once each, by exact type (%s)", async (profile) => {
    const { emulator, workflows } = await start(
      `
      await step.sleep("nap", "1 minute");
      const a = await step.waitForEvent("first", { type: "t" });
      const b = await step.waitForEvent("second", { type: "t" });
      let third;
      try { third = (await step.waitForEvent("third", { type: "t", timeout: "1 hour" })).payload; } catch { third = "timeout"; }
      return [a.payload, b.payload, third];
      `,
      { profile },
    );
    const handle = await workflows.create({ id: "i" });
    await emulator.time.advance(SECOND);
    // all sent while the instance sleeps, interleaved with types that only look alike
    await handle.sendEvent({ type: "T", payload: "upper" });
    await handle.sendEvent({ type: "t", payload: 1 });
    await handle.sendEvent({ type: "tt", payload: "longer" });
    await handle.sendEvent({ type: "t", payload: 2 });
    await emulator.runUntilIdle();
    await emulator.time.advance(HOUR);
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: [1, 2, "timeout"] });
  });

  it.each(PROFILES)("WF-64 two waiters of the same type are served in order (%s)", async (profile) => {
    const { emulator, handle } = await begin(
      `
      const [x, y] = await Promise.all([
        step.waitForEvent("w1", { type: "t" }),
        step.waitForEvent("w2", { type: "t" }),
      ]);
      return [x.payload, y.payload];
      `,
      profile,
    );
    await handle.sendEvent({ type: "t", payload: "one" });
    await handle.sendEvent({ type: "t", payload: "two" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["one", "two"] });
    const deliveries = traceOf(emulator, "event.deliver").map((e) => e.step);
    expect(deliveries).toEqual(["w1", "w2"]);
  });
});

describe("WF-65 buffering", () => {
  it.each(PROFILES)("WF-65 an event sent during a sleep is delivered to the wait after it (%s)", async (profile) => {
    const plain = await start(
      `
      await step.sleep("nap", "1 hour");
      const e = await step.waitForEvent("w", { type: "go" });
      return { payload: e.payload, timestamp: e.timestamp.getTime(), at: Date.now() };
      `,
      { profile },
    );
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.time.advance(10 * MINUTE);
    await handle.sendEvent({ type: "go", payload: { n: 42 } });
    await plain.emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({
      status: "complete",
      output: { payload: { n: 42 }, timestamp: T0 + 10 * MINUTE, at: T0 + HOUR },
    });
  });

  it.each(PROFILES)("WF-65 an event sent right after create() is buffered (%s)", async (profile) => {
    const plain = await start(`return (await step.waitForEvent("w", { type: "go" })).payload;`, { profile });
    const handle = await plain.workflows.create({ id: "i" });
    await handle.sendEvent({ type: "go", payload: "early" });
    await plain.emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "early" });
  });
});

describe("WF-66 replayed events", () => {
  const body = `
    const e = await step.waitForEvent("w", { type: "go" });
    await step.sleep("nap", "1 hour");
    return { payload: e.payload, timestamp: e.timestamp.getTime(), type: e.type };
  `;

  it("WF-66 (production) a replay returns the same event, with the timestamp of sendEvent", async () => {
    const { emulator, handle } = await begin(body);
    await emulator.time.advance(5 * SECOND);
    await handle.sendEvent({ type: "go", payload: { v: "p" } });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({
      status: "complete",
      output: { payload: { v: "p" }, timestamp: T0 + 5 * SECOND, type: "go" },
    });
    expect(runStarts(emulator)).toBeGreaterThanOrEqual(2);
    expect(traceOf(emulator, "event.deliver")).toHaveLength(1);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toContain("w");
  });

  it("WF-66 (local) after restart-from-step the cached event comes back with the same timestamp", async () => {
    const { emulator, handle } = await begin(body, "local");
    await emulator.time.advance(5 * SECOND);
    await handle.sendEvent({ type: "go", payload: "p" });
    await emulator.runUntilIdle();
    await handle.restart({ from: { name: "nap", type: "sleep" } });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({
      status: "complete",
      output: { payload: "p", timestamp: T0 + 5 * SECOND, type: "go" },
    });
    expect(traceOf(emulator, "event.deliver")).toHaveLength(1);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toContain("w");
  });
});

describe("WF-67 timed-out waiters", () => {
  it.each(PROFILES)(
    "WF-67 a timed-out waiter takes no later event; the next waiter of that type gets it (%s)",
    async (profile) => {
      const { emulator, handle } = await begin(
        `
      let first;
      try { first = (await step.waitForEvent("w1", { type: "go", timeout: "1 minute" })).payload; } catch { first = "timeout"; }
      const second = await step.waitForEvent("w2", { type: "go", timeout: "1 hour" });
      return { first, second: second.payload };
      `,
        profile,
      );
      await emulator.time.advance(2 * MINUTE);
      await handle.sendEvent({ type: "go", payload: "late" });
      await emulator.runUntilIdle();
      expect(await handle.status()).toMatchObject({ status: "complete", output: { first: "timeout", second: "late" } });
    },
  );

  it.each(PROFILES)(
    "WF-67 an event sent between a timeout and the next wait goes to the next wait (%s)",
    async (profile) => {
      const { emulator, handle } = await begin(
        `
      let first;
      try { first = (await step.waitForEvent("w1", { type: "go", timeout: "1 minute" })).payload; } catch { first = "timeout"; }
      await step.sleep("gap", "1 hour");
      const second = await step.waitForEvent("w2", { type: "go", timeout: "1 hour" });
      return { first, second: second.payload };
      `,
        profile,
      );
      await emulator.time.advance(2 * MINUTE);
      await handle.sendEvent({ type: "go", payload: "late" });
      await emulator.runUntilIdle();
      expect(await handle.status()).toMatchObject({ status: "complete", output: { first: "timeout", second: "late" } });
    },
  );
});

describe("WF-68 sendEvent to a terminal instance", () => {
  it("WF-68 (production) sendEvent to a complete or errored instance throws", async () => {
    const plain = await start(`if (event.payload.fail) throw new Error("boom"); return "done";`);
    const done = await plain.workflows.create({ id: "done", params: { fail: false } });
    const failed = await plain.workflows.create({ id: "failed", params: { fail: true } });
    await plain.emulator.runUntilIdle();
    expect((await done.status()).status).toBe("complete");
    expect((await failed.status()).status).toBe("errored");
    await expect(done.sendEvent({ type: "go", payload: 1 })).rejects.toThrow();
    await expect(failed.sendEvent({ type: "go", payload: 1 })).rejects.toThrow();
  });

  it("WF-68 (local) sendEvent to a complete or errored instance is accepted and ignored", async () => {
    const plain = await start(`if (event.payload.fail) throw new Error("boom"); return "done";`, { profile: "local" });
    const done = await plain.workflows.create({ id: "done", params: { fail: false } });
    const failed = await plain.workflows.create({ id: "failed", params: { fail: true } });
    await plain.emulator.runUntilIdle();
    const starts = traceOf(plain.emulator, "run.start").length;
    await expect(done.sendEvent({ type: "go", payload: 1 })).resolves.toBeUndefined();
    await expect(failed.sendEvent({ type: "go", payload: 1 })).resolves.toBeUndefined();
    await plain.emulator.runUntilIdle();
    expect(await done.status()).toMatchObject({ status: "complete", output: "done" });
    expect(await failed.status()).toMatchObject({ status: "errored", error: { name: "Error", message: "boom" } });
    expect(traceOf(plain.emulator, "run.start")).toHaveLength(starts);
  });
});
