/**
 * WF-80 in the local profile (`pauseRejectsPendingStep`, docs/profiles.md): the local engine does not stop `run()`
 * when a pause takes effect. The step call `run()` is blocked in rejects with `Error("Aborting engine: User called
 * pause")` (LE-08), and so does every later one; a running attempt is not cut short. Each expectation below was
 * observed on workerd (miniflare 4.20260730) with the same workflow body, scaled to real time (docs/compare.md).
 * The production profile keeps the documented behaviour: run() is stopped and replayed on resume.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator, Traced } from "../../../emulator/index.ts";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";
import { PARALLEL_STEPS } from "../../support/parallel-steps.ts";

const PAUSE_ERROR = { name: "Error", message: "Aborting engine: User called pause" };

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

async function start(body: string, profile: "local" | "production" = "local"): Promise<PlainWorkflow> {
  current = await startPlain(body, { profile });
  return current;
}

function attempts(emulator: Emulator, id: string, step: string): number[] {
  return emulator
    .trace()
    .filter(
      (e): e is Extract<Traced, { type: "step.attempt" }> =>
        e.type === "step.attempt" && e.instance === id && e.step === step,
    )
    .map((e) => e.attempt);
}

function transitions(emulator: Emulator, id: string): string[] {
  return emulator
    .trace()
    .filter((e): e is Extract<Traced, { type: "status" }> => e.type === "status" && e.instance === id)
    .map((e) => `${e.from}>${e.to}`);
}

/**
 * `s` takes one virtual minute and fails its first `FAIL` attempts (retries: LIMIT, 10 s apart); then `t`, a sleep
 * and an event wait. With CATCH, every step call's error is recorded in the output instead of ending run().
 */
function body(options: { fail: number; limit: number; catching: boolean }): string {
  return `
    const guard = async (p) => {
      try { return await p; } catch (e) { if (!${options.catching}) throw e; return { caught: { name: e.name, message: e.message } }; }
    };
    const out = [];
    out.push(await guard(step.do("s", { retries: { limit: ${options.limit}, delay: "10 seconds", backoff: "constant" } }, async (ctx) => {
      await new Promise((r) => setTimeout(r, 60_000));
      if (ctx.attempt <= ${options.fail}) throw new Error("fail " + ctx.attempt);
      return "s" + ctx.attempt;
    })));
    out.push(await guard(step.do("t", async (ctx) => "t" + ctx.attempt)));
    out.push(await guard(step.sleep("z", "1 minute")));
    out.push(await guard(step.waitForEvent("e", { type: "go", timeout: "1 hour" })));
    return out;
  `;
}

describe("WF-80 local: a pause rejects the pending step call and run() goes on", () => {
  it("WF-80 local: the running attempt finishes; then it and every later step call reject with the pause error; a run() that catches them completes", async () => {
    const { emulator, workflows } = await start(body({ fail: 0, limit: 0, catching: true }));
    const handle = await workflows.create({ id: "c" });
    await emulator.time.advance(10_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("waitingForPause");
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    // `s` ran to the end (not cut short); `t` still ran its attempt while paused, then rejected too.
    expect(status.output).toEqual([
      { caught: PAUSE_ERROR },
      { caught: PAUSE_ERROR },
      { caught: PAUSE_ERROR },
      { caught: PAUSE_ERROR },
    ]);
    expect(attempts(emulator, "c", "s")).toEqual([1]);
    expect(attempts(emulator, "c", "t")).toEqual([1]);
    expect(transitions(emulator, "c")).toEqual([
      "none>queued",
      "queued>running",
      "running>waitingForPause",
      "waitingForPause>paused",
      "paused>complete",
    ]);
    await handle.resume(); // a no-op on a complete instance
    expect((await handle.status()).status).toBe("complete");
  });

  it("WF-80 local: a run() that rethrows the pause error stays paused; on resume the finished attempt's result is cached", async () => {
    const { emulator, workflows } = await start(body({ fail: 0, limit: 0, catching: false }));
    const handle = await workflows.create({ id: "u" });
    await emulator.time.advance(10_000);
    await handle.pause();
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("paused");
    expect(attempts(emulator, "u", "t")).toEqual([]);
    await handle.resume();
    await handle.sendEvent({ type: "go", payload: 1 });
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output.slice(0, 2)).toEqual(["s1", "t1"]);
    expect(status.output[3]).toMatchObject({ type: "go", payload: 1 });
    expect(attempts(emulator, "u", "s")).toEqual([1]);
  });

  it("WF-80 local: a failed attempt during the pause counts; after resume the next attempt runs after the rest of the retry delay", async () => {
    const { emulator, workflows } = await start(body({ fail: 1, limit: 2, catching: false }));
    const handle = await workflows.create({ id: "r" });
    await emulator.time.advance(10_000);
    await handle.pause();
    await emulator.runUntilIdle();
    await emulator.time.advance(3_600_000);
    expect((await handle.status()).status).toBe("paused");
    expect(attempts(emulator, "r", "s")).toEqual([1]);
    await handle.resume();
    await emulator.time.advance(5_000); // the retry delay (10 s) is not over yet: paused time does not count
    expect(attempts(emulator, "r", "s")).toEqual([1]);
    await emulator.time.advance(70_000);
    expect(attempts(emulator, "r", "s")).toEqual([1, 2]);
    await handle.sendEvent({ type: "go", payload: 1 });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({
      status: "complete",
      output: ["s2", "t1", null, { type: "go", payload: 1 }],
    });
  });

  it("WF-80 local: an attempt that exhausts its retries during the pause ends the step with its own error", async () => {
    const { emulator, workflows } = await start(body({ fail: 1, limit: 0, catching: false }));
    const handle = await workflows.create({ id: "x" });
    await emulator.time.advance(10_000);
    await handle.pause();
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "errored", error: { name: "Error", message: "fail 1" } });
  });

  it("WF-80 local: a pause during an event wait rejects the wait; nothing is cached, so a replay waits again and takes a later event", async () => {
    const { emulator, workflows } = await start(`
      let first;
      try { first = await step.waitForEvent("e", { type: "go", timeout: "1 hour" }); } catch (e) { globalThis.log.push(e.message); throw e; }
      return first.payload;
    `);
    const handle = await workflows.create({ id: "w" });
    await emulator.time.advance(60_000);
    await handle.pause();
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("paused");
    await handle.resume();
    await emulator.runUntilIdle();
    await handle.sendEvent({ type: "go", payload: 7 });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: 7 });
  });

  it("WF-80 local: with parallel steps, a step held back by the pending pause runs once the pause takes effect, and its result is cached", async () => {
    const { emulator, workflows } = await start(PARALLEL_STEPS);
    const handle = await workflows.create({ id: "p" });
    await emulator.time.advance(1_000);
    await handle.pause();
    await emulator.time.advance(20_000); // "fast" commits; "third" is called and held back
    expect(attempts(emulator, "p", "third")).toEqual([]);
    await emulator.time.advance(40_000); // "slow" commits: paused; "third" runs now
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("paused");
    expect(attempts(emulator, "p", "third")).toEqual([1]);
    await handle.resume();
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["slow", "fast", "third"] });
    for (const step of ["slow", "fast", "third"]) expect(attempts(emulator, "p", step)).toEqual([1]);
  });
});

describe("WF-80 production: run() is stopped at the pause and never sees a pause error", () => {
  it("WF-80 production: the running attempt commits, the instance pauses, and on resume the replay completes normally", async () => {
    const { emulator, workflows } = await start(body({ fail: 0, limit: 0, catching: true }), "production");
    const handle = await workflows.create({ id: "c" });
    await emulator.time.advance(10_000);
    await handle.pause();
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("paused");
    await handle.resume();
    await handle.sendEvent({ type: "go", payload: 1 });
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(JSON.stringify(status.output)).not.toContain("Aborting engine");
    expect(attempts(emulator, "c", "s")).toEqual([1]);
  });
});
