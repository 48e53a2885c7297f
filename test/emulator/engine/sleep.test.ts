/**
 * step.sleep and step.sleepUntil (spec A2): WF-50, WF-52..WF-55, and virtual time as seen by workflow code.
 */
import { describe, expect, it } from "vitest";
import {
  DAY,
  HOUR,
  PROFILES,
  reachedAt,
  runStarts,
  runToIdle,
  SECOND,
  T0,
  traceOf,
  usePlain,
} from "../../support/engine.ts";

const start = usePlain();

describe("WF-50 sleep and sleepUntil", () => {
  it.each(PROFILES)("WF-50 sleep takes milliseconds and duration strings (%s)", async (profile) => {
    const { emulator, status } = await runToIdle(
      start,
      `
      const t0 = await step.do("t0", async () => Date.now());
      await step.sleep("ms", 1500);
      const t1 = await step.do("t1", async () => Date.now());
      await step.sleep("string", "2 hours");
      const t2 = await step.do("t2", async () => Date.now());
      await step.sleep("plural", "3 days");
      const t3 = await step.do("t3", async () => Date.now());
      return [t1 - t0, t2 - t1, t3 - t2];
      `,
      { profile },
    );
    expect(status.output).toEqual([1500, 2 * HOUR, 3 * DAY]);
    expect(reachedAt(emulator, "complete")).toBe(T0 + 1500 + 2 * HOUR + 3 * DAY);
  });

  it.each(PROFILES)("WF-50 sleepUntil takes a Date or epoch milliseconds (%s)", async (profile) => {
    const { emulator, status } = await runToIdle(
      start,
      `
      await step.sleepUntil("date", new Date(${T0 + HOUR}));
      const t1 = await step.do("t1", async () => Date.now());
      await step.sleepUntil("epoch", ${T0 + 5 * HOUR});
      const t2 = await step.do("t2", async () => Date.now());
      return [t1, t2];
      `,
      { profile },
    );
    expect(status.output).toEqual([T0 + HOUR, T0 + 5 * HOUR]);
    expect(traceOf(emulator, "sleep.start").map((e) => e.until)).toEqual([T0 + HOUR, T0 + 5 * HOUR]);
  });

  it("WF-50 (production) a sleep of exactly 365 days is accepted", async () => {
    const { status } = await runToIdle(start, `await step.sleep("year", "365 days"); return Date.now();`);
    expect(status.status).toBe("complete");
    expect(status.output).toBe(T0 + 365 * DAY);
  });

  it("WF-50 (production) sleep and sleepUntil over 365 days are rejected", async () => {
    const { emulator, status } = await runToIdle(
      start,
      `
      const errors = [];
      try { await step.sleep("long", "366 days"); errors.push(null); } catch (e) { errors.push(e.message); }
      try { await step.sleepUntil("far", Date.now() + 366 * 86400000); errors.push(null); } catch (e) { errors.push(e.message); }
      return { errors, at: Date.now() };
      `,
    );
    expect(status.status).toBe("complete");
    expect(status.output.errors).toHaveLength(2);
    for (const message of status.output.errors) expect(typeof message).toBe("string");
    // neither sleep happened
    expect(status.output.at).toBe(T0);
    expect(traceOf(emulator, "sleep.start")).toHaveLength(0);
  });

  it("WF-50 (local) sleeps over 365 days are not rejected", async () => {
    const { status } = await runToIdle(start, `await step.sleep("long", "366 days"); return Date.now();`, {
      profile: "local",
    });
    expect(status.status).toBe("complete");
    expect(status.output).toBe(T0 + 366 * DAY);
  });
});

describe("WF-52 durable sleeps", () => {
  const body = `
    await step.do("before", async () => "x");
    await step.sleep("nap", "1 hour");
    return await step.do("after", async () => Date.now());
  `;

  it("WF-52 (production) a crash at the start of a sleep: the sleep still ends at its original deadline", async () => {
    const plain = await start(body);
    plain.emulator.crash("duringSleep", { step: "nap" });
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.runUntilIdle();
    const status = await handle.status();
    expect(traceOf(plain.emulator, "fault")).toHaveLength(1);
    expect(status.status).toBe("complete");
    expect(status.output).toBe(T0 + HOUR);
    // one sleep, started once
    expect(traceOf(plain.emulator, "sleep.start")).toHaveLength(1);
  });

  it("WF-52 (production) a crash half-way through a sleep: it waits only for the remaining time", async () => {
    const plain = await start(body);
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.time.advance(30 * 60 * SECOND);
    expect((await handle.status()).status).toBe("waiting");
    plain.emulator.crash();
    await plain.emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toBe(T0 + HOUR);
    expect(reachedAt(plain.emulator, "complete")).toBe(T0 + HOUR);
  });

  it("WF-52 (production) after pause and resume mid-sleep, only the remaining sleep time is waited", async () => {
    const plain = await start(body);
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.time.advance(10 * SECOND);
    await handle.pause();
    await plain.emulator.time.advance(2 * HOUR);
    await handle.resume();
    await plain.emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    // WF-81: the time spent paused is added to the sleep, so the deadline moved by 2 hours
    expect(status.output).toBe(T0 + 3 * HOUR);
  });
});

describe("WF-53 status while sleeping", () => {
  const body = `await step.sleep("nap", "1 hour"); return "done";`;

  it("WF-53 (production) a sleeping instance is 'waiting', then 'complete'", async () => {
    const plain = await start(body);
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.time.advance(SECOND);
    expect((await handle.status()).status).toBe("waiting");
    await plain.emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("complete");
  });

  it("WF-53 (local) a sleeping instance stays 'running'", async () => {
    const plain = await start(body, { profile: "local" });
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.time.advance(SECOND);
    expect((await handle.status()).status).toBe("running");
    await plain.emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("complete");
    expect(traceOf(plain.emulator, "status").map((e) => e.to)).not.toContain("waiting");
  });

  it("WF-53 (production) an instance waiting for a retry is 'waiting'", async () => {
    const plain = await start(
      `return await step.do("s", { retries: { limit: 1, delay: "1 hour" } }, async (ctx) => {
        if (ctx.attempt === 1) throw new Error("once");
        return "ok";
      });`,
    );
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.time.advance(SECOND);
    expect((await handle.status()).status).toBe("waiting");
    await plain.emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "ok" });
  });

  it("WF-53 (local) an instance waiting for a retry stays 'running'", async () => {
    const plain = await start(
      `return await step.do("s", { retries: { limit: 1, delay: "1 hour" } }, async (ctx) => {
        if (ctx.attempt === 1) throw new Error("once");
        return "ok";
      });`,
      { profile: "local" },
    );
    const handle = await plain.workflows.create({ id: "i" });
    await plain.emulator.time.advance(SECOND);
    expect((await handle.status()).status).toBe("running");
  });
});

describe("WF-54 sleepUntil replayed after its timestamp", () => {
  const body = `
    await step.sleepUntil("until", ${T0 + HOUR});
    return await step.do("after", async () => Date.now());
  `;

  it("WF-54 (local) a replayed sleepUntil whose time has passed throws the time-traveler error", async () => {
    const { emulator, handle, status } = await runToIdle(start, body, { profile: "local" });
    expect(status.output).toBe(T0 + HOUR);
    await emulator.time.advance(HOUR);
    await handle.restart({ from: { name: "after" } });
    await emulator.runUntilIdle();
    const after = await handle.status();
    expect(after.status).toBe("errored");
    expect(after.error).toEqual({ name: "Error", message: "You can't sleep until a time in the past, time-traveler" });
  });

  it("WF-54 (production) a replayed sleepUntil whose time has passed resolves", async () => {
    const { emulator, handle, status } = await runToIdle(start, body);
    expect(status.output).toBe(T0 + HOUR);
    await emulator.time.advance(HOUR);
    await handle.restart({ from: { name: "after" } });
    await emulator.runUntilIdle();
    const after = await handle.status();
    expect(after.status).toBe("complete");
    expect(after.output).toBe(T0 + 2 * HOUR);
  });
});

describe("WF-55 sleep cache keys", () => {
  // The sleep's duration differs between the first run and the replay.
  const body = `
    // the first run starts at T0; the replay (restart from "after") comes later
    await step.sleep("nap", Date.now() === ${T0} ? 1000 : 5000);
    return await step.do("after", async () => Date.now());
  `;

  it("WF-55 (local) a sleep whose duration changed is a new sleep on replay", async () => {
    const { emulator, handle, status } = await runToIdle(start, body, { profile: "local" });
    expect(status.output).toBe(T0 + 1000);
    await handle.restart({ from: { name: "after" } });
    await emulator.runUntilIdle();
    expect((await handle.status()).output).toBe(T0 + 1000 + 5000);
    expect(traceOf(emulator, "sleep.start")).toHaveLength(2);
  });

  it("WF-55 (production) sleeps are keyed by name and occurrence: the finished sleep is not repeated", async () => {
    const { emulator, handle, status } = await runToIdle(start, body);
    expect(status.output).toBe(T0 + 1000);
    await handle.restart({ from: { name: "after" } });
    await emulator.runUntilIdle();
    expect((await handle.status()).output).toBe(T0 + 1000);
    expect(traceOf(emulator, "sleep.start")).toHaveLength(1);
  });
});

describe("virtual time in workflow code", () => {
  it.each(PROFILES)("Date.now() moves by exactly 30 days across a 30-day sleep (%s)", async (profile) => {
    const { emulator, status } = await runToIdle(
      start,
      `
      const before = await step.do("before", async () => Date.now());
      await step.sleep("month", "30 days");
      const after = Date.now();
      const asDate = new Date().getTime();
      return { before, after, asDate, elapsed: after - before };
      `,
      { profile },
    );
    expect(status.output).toEqual({ before: T0, after: T0 + 30 * DAY, asDate: T0 + 30 * DAY, elapsed: 30 * DAY });
    if (profile === "production") expect(runStarts(emulator)).toBe(2);
  });
});
