/**
 * WF-94 / WF-53 / WF-74: running instances at once (production: 50,000 per account). Above the limit an instance
 * stays `queued` until a slot frees; a `waiting` instance (sleeping, waiting to retry or for an event) holds no slot;
 * an instance waking from sleep goes ahead of queued ones. The local engine has no such limit. The tests set a small
 * limit with `productionLimits.runningInstances` (the same code path as 50,000).
 */
import { describe, expect, it } from "vitest";
import { SECOND, traceOf, usePlain } from "../../support/engine.ts";
import type { Emulator } from "../../../emulator/index.ts";

const start = usePlain();
/** Holds its slot for 10 s of virtual time inside a step (a step's wall time is not limited). */
const BUSY = `await step.do("work", async () => { await new Promise((r) => setTimeout(r, 10_000)); return 1; }); return "ok";`;

async function statuses(emulator: Emulator): Promise<Record<string, string>> {
  return Object.fromEntries((await emulator.instances()).map((i) => [i.id, i.status]));
}

function runStartOrder(emulator: Emulator): string[] {
  return traceOf(emulator, "run.start").map((e) => e.instance);
}

describe("WF-94 running-instance concurrency", () => {
  it("WF-94 / WF-74 above the limit an instance stays queued and starts when a running one finishes", async () => {
    const { emulator, workflows } = await start(BUSY, { productionLimits: { runningInstances: 2 } });
    for (const id of ["a", "b", "c"]) await workflows.create({ id });
    await emulator.time.advance(SECOND);
    expect(await statuses(emulator)).toEqual({ a: "running", b: "running", c: "queued" });
    expect((await (await workflows.get("c")).status()).status).toBe("queued");
    await emulator.time.advance(9 * SECOND); // a and b finish at 10 s: c starts then
    expect(await statuses(emulator)).toEqual({ a: "complete", b: "complete", c: "running" });
    await emulator.runUntilIdle();
    expect(await statuses(emulator)).toEqual({ a: "complete", b: "complete", c: "complete" });
    const cStart = traceOf(emulator, "run.start").find((e) => e.instance === "c")!;
    expect(cStart.time - emulator.time.now()).toBe(-10 * SECOND);
  });

  it("WF-53 a waiting (sleeping) instance holds no slot: a queued one runs meanwhile", async () => {
    const { emulator, workflows } = await start(`if (event.payload.sleep) await step.sleep("nap", "1 hour"); ${BUSY}`, {
      productionLimits: { runningInstances: 1 },
    });
    await workflows.create({ id: "sleeper", params: { sleep: true } });
    await emulator.time.advance(0); // it runs, sleeps and hibernates: `waiting`
    await workflows.create({ id: "worker", params: {} });
    await emulator.time.advance(11 * SECOND);
    expect(await statuses(emulator)).toEqual({ sleeper: "waiting", worker: "complete" });
    await emulator.runUntilIdle();
    expect(await statuses(emulator)).toEqual({ sleeper: "complete", worker: "complete" });
  });

  it("WF-53 an instance waiting for an event holds no slot", async () => {
    const { emulator, workflows } = await start(
      `if (event.payload.wait) await step.waitForEvent("go", { type: "go" }); ${BUSY}`,
      { productionLimits: { runningInstances: 1 } },
    );
    await workflows.create({ id: "waiter", params: { wait: true } });
    await workflows.create({ id: "worker", params: {} });
    await emulator.runUntilIdle();
    expect(await statuses(emulator)).toEqual({ waiter: "running", worker: "complete" });
    await (await workflows.get("waiter")).sendEvent({ type: "go" });
    await emulator.runUntilIdle();
    expect((await statuses(emulator)).waiter).toBe("complete");
  });

  it("WF-53 an instance waking from sleep is scheduled ahead of instances queued before it woke", async () => {
    const { emulator, workflows } = await start(
      `if (event.payload.sleep) await step.sleep("nap", "1 second"); ${BUSY}`,
      { productionLimits: { runningInstances: 1 } },
    );
    await workflows.create({ id: "sleeper", params: { sleep: true } }); // runs, sleeps: slot free
    await emulator.time.advance(0);
    await workflows.create({ id: "busy", params: {} }); // takes the slot for 10 s
    await workflows.create({ id: "queued", params: {} }); // queued at 0 s
    await emulator.time.advance(2 * SECOND); // the sleeper woke at 1 s: no slot, it waits
    expect(await statuses(emulator)).toEqual({ sleeper: "waiting", busy: "running", queued: "queued" });
    await emulator.runUntilIdle();
    expect(runStartOrder(emulator)).toEqual(["sleeper", "busy", "sleeper", "queued"]);
  });

  it("WF-94 pause, terminate and crash while queued: the queue forgets the instance or restarts it on recovery", async () => {
    const { emulator, workflows } = await start(BUSY, { productionLimits: { runningInstances: 1 } });
    for (const id of ["a", "b", "c", "d"]) await workflows.create({ id });
    await emulator.time.advance(0);
    await (await workflows.get("b")).terminate();
    await (await workflows.get("c")).pause();
    expect(await statuses(emulator)).toEqual({ a: "running", b: "terminated", c: "paused", d: "queued" });
    emulator.crash();
    await emulator.runUntilIdle();
    expect(await statuses(emulator)).toEqual({ a: "complete", b: "terminated", c: "paused", d: "complete" });
    await (await workflows.get("c")).resume();
    await emulator.runUntilIdle();
    expect((await statuses(emulator)).c).toBe("complete");
    expect(runStartOrder(emulator).filter((id) => id === "b" || id === "c")).toEqual(["c"]);
  });

  it("WF-94 the limit counts every workflow of the emulator (production's is per account)", async () => {
    const { emulator, workflows } = await start(BUSY, {
      productionLimits: { runningInstances: 1 },
      workflows: {
        WORKFLOWS: { name: "flow", className: "Flow" },
        OTHER: { name: "other", className: "Flow" },
      },
    });
    const other = (await emulator.getBindings<{ OTHER: typeof workflows }>()).OTHER;
    await workflows.create({ id: "a" });
    await other.create({ id: "b" });
    await emulator.time.advance(SECOND);
    expect(await (await other.get("b")).status()).toEqual({ status: "queued" });
    await emulator.runUntilIdle();
    expect(await (await other.get("b")).status()).toMatchObject({ status: "complete" });
  });

  it("WF-94 queued instances: a create when the queue is full is refused with 429", async () => {
    const { emulator, workflows } = await start(BUSY, {
      productionLimits: { runningInstances: 1, queuedInstances: 2 },
    });
    for (const id of ["a", "b", "c"]) await workflows.create({ id });
    await emulator.time.advance(0);
    expect(await statuses(emulator)).toEqual({ a: "running", b: "queued", c: "queued" });
    await expect(workflows.create({ id: "d" })).rejects.toThrow(
      "429 Too Many Requests: 2 instances are already queued in this account (the queued instance limit); retry when some have started",
    );
    await emulator.time.advance(10 * SECOND); // a finishes, b starts: one queued
    await workflows.create({ id: "d" });
    await emulator.runUntilIdle();
    expect(Object.values(await statuses(emulator))).toEqual(["complete", "complete", "complete", "complete"]);
  });

  it("WF-94 runningInstances: false switches the limit off, and the local profile has none", async () => {
    for (const options of [{ productionLimits: { runningInstances: false as const } }, { profile: "local" as const }]) {
      const { emulator, workflows } = await start(BUSY, options);
      for (let i = 0; i < 5; i++) await workflows.create({ id: `i${i}` });
      await emulator.time.advance(SECOND);
      expect(Object.values(await statuses(emulator))).toEqual(Array(5).fill("running"));
    }
  });
});
