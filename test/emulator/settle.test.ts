/**
 * Settling: the emulator lets promise chains run until nothing happens without time passing. Worker code that never
 * stops scheduling work must fail with an error that says so, not hang and not be silently abandoned.
 */
import { afterEach, describe, expect, it } from "vitest";
import { traceOf } from "../support/engine.ts";
import { startPlain, type PlainWorkflow } from "../support/plain.ts";

describe("settling", () => {
  let plain: PlainWorkflow | undefined;
  afterEach(async () => {
    await plain?.emulator.dispose();
    plain = undefined;
  });

  it("throws a clear error when worker code keeps working forever without waiting for time", async () => {
    // Each turn: a zero-length sleep (a call across realms and two trace events, no time passing), then a service
    // call answered after a macrotask, so the loop outlives every round of settling.
    const tick = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return new Response("ok");
    };
    plain = await startPlain(
      `for (let i = 0; ; i++) { await step.sleep("tick", 0); await this.env.TICK.fetch("http://tick/"); }`,
      { serviceBindings: { TICK: tick } },
    );
    await plain.workflows.create({ id: "busy" });
    const started = Date.now();
    const error = await plain.emulator.runUntilIdle().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^The emulator could not settle: after 10000 rounds of letting promise chains run/);
    expect(error?.message).toMatch(/in the last round: [1-9]\d* trace events, [1-9]\d* calls across realms/);
    expect(error?.message).toContain("make it wait (step.sleep, a timer) or end");
    expect(error?.message).toContain("Busy instances: flow/busy (running)");
    expect(traceOf(plain.emulator, "sleep.end").length).toBeGreaterThan(10_000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("settles work that ends, however many rounds it takes below the bound", async () => {
    plain = await startPlain(`for (let i = 0; i < 200; i++) { await step.sleep("tick", 0); } return "done";`);
    const handle = await plain.workflows.create({ id: "finite" });
    await plain.emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "done" });
  });
});
