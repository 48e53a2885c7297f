/**
 * The emulator option `restartDelayMs`: after a crash the production profile restarts the interrupted instances
 * that much virtual time later (default 0, at once). What it is for: a real restart comes later than the crash, so
 * a lifetime after it reads another `Date.now()` (`dwc explore` sets it to catch step names built from the clock).
 */
import { afterEach, describe, expect, it } from "vitest";
import { type PlainWorkflow, startPlain } from "../../support/plain.ts";

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

/** A workflow whose only step records the clock read outside it; a crash after the callback makes it run twice. */
async function runWithCrash(restartDelayMs?: number) {
  current = await startPlain(`const started = Date.now(); return step.do("stamp", async () => ({ started }));`, {
    profile: "production",
    startTime: 1_000_000,
    ...(restartDelayMs === undefined ? {} : { restartDelayMs }),
  });
  const { emulator, workflows } = current;
  emulator.crash("afterStepCallback");
  const instance = await workflows.create({ id: "one" });
  await emulator.runUntilIdle();
  const lifetimes = emulator.trace().filter((e) => e.type === "run.start").length;
  return { status: await instance.status(), lifetimes };
}

describe("emulator option restartDelayMs", () => {
  it("default: the instance restarts at the crash's instant, so its second lifetime reads the same clock", async () => {
    const { status, lifetimes } = await runWithCrash();
    expect(lifetimes).toBe(2);
    expect(status).toMatchObject({ status: "complete", output: { started: 1_000_000 } });
  });

  it("1 s: the restart comes 1 s of virtual time later, and runUntilIdle moves time to it", async () => {
    const { status, lifetimes } = await runWithCrash(1000);
    expect(lifetimes).toBe(2);
    expect(status).toMatchObject({ status: "complete", output: { started: 1_001_000 } });
  });
});
