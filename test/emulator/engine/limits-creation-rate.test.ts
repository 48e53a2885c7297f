/**
 * WF-94 (with WF-75, WF-83): the instance creation rate, 100 per second per workflow in production, on virtual time.
 * Above it production answers HTTP 429 and creates nothing; the local engine has no limit.
 */
import { describe, expect, it } from "vitest";
import { SECOND, usePlain } from "../../support/engine.ts";

const start = usePlain();
const BODY = `return "ok";`;
const RATE_ERROR =
  '429 Too Many Requests: workflow "flow" is over its instance creation rate limit of 100 per second; retry later';

async function createMany(workflows: { create(o: { id: string }): Promise<unknown> }, prefix: string, n: number) {
  for (let i = 0; i < n; i++) await workflows.create({ id: `${prefix}${i}` });
}

describe("WF-94 creation rate (production: 100 per second per workflow)", () => {
  it("WF-94 the 101st create within one second fails with 429 and creates nothing; a second later it works", async () => {
    const { emulator, workflows } = await start(BODY);
    await createMany(workflows, "a", 100);
    await expect(workflows.create({ id: "over" })).rejects.toThrow(RATE_ERROR);
    expect((await emulator.instances()).map((i) => i.id)).not.toContain("over");
    await emulator.time.advance(999);
    await expect(workflows.create({ id: "over" })).rejects.toThrow(RATE_ERROR);
    await emulator.time.advance(1);
    await workflows.create({ id: "over" });
    await emulator.runUntilIdle();
    const instances = await emulator.instances();
    expect(instances).toHaveLength(101);
    expect(instances.every((i) => i.status === "complete")).toBe(true);
  });

  it("WF-94 the window slides: creations spread over the second count until each is a second old", async () => {
    const { emulator, workflows } = await start(BODY);
    await createMany(workflows, "early", 50);
    await emulator.time.advance(500);
    await createMany(workflows, "late", 50);
    await emulator.time.advance(499); // 999 ms after the first 50: all 100 still count
    await expect(workflows.create({ id: "x" })).rejects.toThrow(RATE_ERROR);
    await emulator.time.advance(1); // the first 50 are a second old
    await createMany(workflows, "next", 50);
    await expect(workflows.create({ id: "y" })).rejects.toThrow(RATE_ERROR);
  });

  it("WF-75 each instance of a createBatch counts; a batch over the rate creates none of its instances", async () => {
    const { emulator, workflows } = await start(BODY);
    await createMany(workflows, "a", 50);
    const batch = Array.from({ length: 51 }, (_, i) => ({ id: `b${i}` }));
    await expect(workflows.createBatch(batch)).rejects.toThrow(RATE_ERROR);
    expect(await emulator.instances()).toHaveLength(50);
    const fits = await workflows.createBatch(batch.slice(0, 50));
    expect(fits).toHaveLength(50);
    await expect(workflows.create({ id: "c" })).rejects.toThrow(RATE_ERROR);
  });

  it("WF-83 each restart counts toward the creation rate", async () => {
    const { emulator, workflows } = await start(BODY);
    const first = await workflows.create({ id: "r" });
    await emulator.runUntilIdle();
    // A restart refused for its own reason creates nothing and uses up nothing.
    for (let i = 0; i < 5; i++)
      await expect(first.restart({ from: { name: "nope" } })).rejects.toThrow("(instance.cannot_restart)");
    for (let i = 0; i < 99; i++) await first.restart();
    await expect(first.restart()).rejects.toThrow(RATE_ERROR);
    await expect(workflows.create({ id: "other" })).rejects.toThrow(RATE_ERROR);
  });

  it("WF-94 productionLimits.creationsPerSecond sets the rate, and false switches it off", async () => {
    const low = await start(BODY, { productionLimits: { creationsPerSecond: 3 } });
    await createMany(low.workflows, "a", 3);
    await expect(low.workflows.create({ id: "d" })).rejects.toThrow(
      '429 Too Many Requests: workflow "flow" is over its instance creation rate limit of 3 per second; retry later',
    );
    const off = await start(BODY, { productionLimits: { creationsPerSecond: false } });
    await createMany(off.workflows, "a", 250);
    expect(await off.emulator.instances()).toHaveLength(250);
  });

  it("WF-94 [LOCAL] the local profile has no creation rate limit", async () => {
    const { emulator, workflows } = await start(BODY, { profile: "local" });
    await createMany(workflows, "a", 250);
    await emulator.runUntilIdle();
    expect((await emulator.instances()).filter((i) => i.status === "complete")).toHaveLength(250);
  });

  it("WF-94 a refused create is an error the caller can catch; instances created before it run on", async () => {
    const { emulator, workflows, records } = await start(
      `await step.sleep("nap", "2 seconds"); await record(event.instanceId); return "ok";`,
      { productionLimits: { creationsPerSecond: 2 } },
    );
    await createMany(workflows, "a", 2);
    const refused = await workflows.create({ id: "a2" }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(refused).toContain("429 Too Many Requests");
    await emulator.time.advance(SECOND);
    await workflows.create({ id: "a2" });
    await emulator.runUntilIdle();
    expect(records.sort()).toEqual(["a0", "a1", "a2"]);
  });
});
