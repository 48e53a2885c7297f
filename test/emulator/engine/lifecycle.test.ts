/**
 * Instance lifecycle (spec A4/A5: WF-74, WF-78..WF-83, WF-91) and the legality of every status transition the
 * engine records (emulator/engine/status.ts), in both profiles.
 */
import { afterEach, describe, expect, it } from "vitest";
import { isLegalTransition, type Emulator, type InstanceStatusName, type Traced } from "../../../emulator/index.ts";
import { startPlain, readLog, type Handle, type PlainWorkflow } from "../../support/plain.ts";
import { PARALLEL_STEPS } from "../../support/parallel-steps.ts";

type ProfileName = "production" | "local";
const PROFILES: ProfileName[] = ["production", "local"];
const VOCABULARY = [
  "queued",
  "running",
  "paused",
  "errored",
  "terminated",
  "complete",
  "waiting",
  "waitingForPause",
  "unknown",
];

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

async function start(
  body: string,
  profile: ProfileName,
  options: Record<string, unknown> = {},
): Promise<PlainWorkflow> {
  current = await startPlain(body, { profile, ...options });
  return current;
}

type StatusEvent = Extract<Traced, { type: "status" }>;

function statusEvents(emulator: Emulator, id?: string): StatusEvent[] {
  return emulator
    .trace()
    .filter((e): e is StatusEvent => e.type === "status" && (id === undefined || e.instance === id));
}

function transitions(emulator: Emulator, id: string): string[] {
  return statusEvents(emulator, id).map((e) => `${e.from}>${e.to}`);
}

function attempts(emulator: Emulator, id: string, step: string): number {
  return emulator.trace().filter((e) => e.type === "step.attempt" && e.instance === id && e.step === step).length;
}

function commits(emulator: Emulator, id: string, step: string): number {
  return emulator.trace().filter((e) => e.type === "step.commit" && e.instance === id && e.step === step).length;
}

function runStarts(emulator: Emulator, id: string): number {
  return emulator.trace().filter((e) => e.type === "run.start" && e.instance === id).length;
}

/** A step that takes one virtual minute (setTimeout is virtual inside workers). */
const SLOW_STEP = `await step.do("slow", async () => { await new Promise((r) => setTimeout(r, 60_000)); return "slow-done"; });`;

const SLOW_THEN_NEXT = `
  globalThis.log.push("run-start");
  ${SLOW_STEP}
  const next = await step.do("next", async () => "next-done");
  return next;
`;

describe.each(PROFILES)("WF-74 queued then running (%s)", (profile) => {
  it("WF-74 a new instance is recorded as queued, then running, then complete", async () => {
    const { emulator, workflows } = await start(`return await step.do("a", async () => 1);`, profile);
    const handle = await workflows.create({ id: "q" });
    expect(["queued", "running"]).toContain((await handle.status()).status);
    await emulator.runUntilIdle();
    expect(transitions(emulator, "q")).toEqual(["none>queued", "queued>running", "running>complete"]);
    // the queued status is recorded before run() starts
    const trace = emulator.trace();
    const queuedAt = trace.findIndex((e) => e.type === "status" && e.instance === "q" && e.to === "queued");
    const runAt = trace.findIndex((e) => e.type === "run.start" && e.instance === "q");
    expect(queuedAt).toBeGreaterThanOrEqual(0);
    expect(runAt).toBeGreaterThan(queuedAt);
  });
});

describe("WF-78 / WF-79 status() shape", () => {
  const BODY = `
    if (event.payload.mode === "fail") {
      await step.do("first", async () => ({ n: 1 }));
      throw new TypeError("went wrong");
    }
    await step.do("first", async () => ({ n: 1, at: new Date(0) }));
    await step.do("nothing", async () => undefined);
    await step.do("bytes", async () => new Uint8Array([1, 2, 3]));
    ${SLOW_STEP}
    return { done: true, when: new Date(Date.UTC(2026, 0, 2)), bytes: new Uint8Array(4) };
  `;

  it("WF-78 [PROD] status is in the vocabulary; output is absent until complete; error is {name, message}", async () => {
    const { emulator, workflows } = await start(BODY, "production");
    const ok = await workflows.create({ id: "ok" });
    const bad = await workflows.create({ id: "bad", params: { mode: "fail" } });
    await emulator.time.advance(1_000);
    const running = await ok.status();
    expect(running.status).toBe("running");
    expect(Object.keys(running)).toEqual(["status"]);
    expect("output" in running).toBe(false);
    const errored = await bad.status();
    expect(errored).toEqual({ status: "errored", error: { name: "TypeError", message: "went wrong" } });
    await emulator.runUntilIdle();
    const done = await ok.status();
    expect(done.status).toBe("complete");
    expect(done.output.done).toBe(true);
    expect("error" in done).toBe(false);
    for (const e of statusEvents(emulator)) expect(VOCABULARY).toContain(e.to);
  });

  it("WF-79 [LOCAL] status has output null until complete, error undefined, __LOCAL_DEV_STEP_OUTPUTS, all JSON round-tripped", async () => {
    const { emulator, workflows } = await start(BODY, "local");
    const ok = await workflows.create({ id: "ok" });
    const bad = await workflows.create({ id: "bad", params: { mode: "fail" } });
    await emulator.time.advance(1_000);
    const running = await ok.status();
    expect(running.status).toBe("running");
    expect(running.output).toBeNull();
    expect(running.error).toBeUndefined();
    expect(running.__LOCAL_DEV_STEP_OUTPUTS).toEqual([
      { n: 1, at: "1970-01-01T00:00:00.000Z" },
      null,
      "[Uint8Array(3 bytes)]",
    ]);
    const errored = await bad.status();
    expect(errored.status).toBe("errored");
    expect(errored.output).toBeNull();
    expect(errored.error).toEqual({ name: "TypeError", message: "went wrong" });
    expect(errored.__LOCAL_DEV_STEP_OUTPUTS).toEqual([{ n: 1 }]);
    await emulator.runUntilIdle();
    const done = await ok.status();
    expect(done.status).toBe("complete");
    expect(done.error).toBeUndefined();
    expect(done.output).toEqual({ done: true, when: "2026-01-02T00:00:00.000Z", bytes: "[Uint8Array(4 bytes)]" });
    expect(done.__LOCAL_DEV_STEP_OUTPUTS).toEqual([
      { n: 1, at: "1970-01-01T00:00:00.000Z" },
      null,
      "[Uint8Array(3 bytes)]",
      "slow-done",
    ]);
    expect(JSON.parse(JSON.stringify(done))).toEqual({ ...done, error: undefined });
  });
});

describe.each(PROFILES)("WF-80 pause (%s)", (profile) => {
  it("WF-80 an instance with a running step goes waitingForPause, then paused once the step commits; no new step starts", async () => {
    const { emulator, workflows } = await start(SLOW_THEN_NEXT, profile);
    const handle = await workflows.create({ id: "p" });
    await emulator.time.advance(1_000);
    expect((await handle.status()).status).toBe("running");
    await handle.pause();
    expect((await handle.status()).status).toBe("waitingForPause");
    await emulator.time.advance(30_000);
    expect((await handle.status()).status).toBe("waitingForPause");
    expect(commits(emulator, "p", "slow")).toBe(0);
    await emulator.time.advance(30_000);
    expect(commits(emulator, "p", "slow")).toBe(1);
    expect((await handle.status()).status).toBe("paused");
    // nothing more happens while paused
    await emulator.runUntilIdle();
    await emulator.time.advance(3_600_000);
    expect((await handle.status()).status).toBe("paused");
    expect(attempts(emulator, "p", "next")).toBe(0);
    expect(transitions(emulator, "p")).toEqual([
      "none>queued",
      "queued>running",
      "running>waitingForPause",
      "waitingForPause>paused",
    ]);
    // resuming finishes without running the committed step again
    await handle.resume();
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "next-done" });
    expect(attempts(emulator, "p", "slow")).toBe(1);
    expect(attempts(emulator, "p", "next")).toBe(1);
  });

  it("WF-80 with parallel steps, a step called while the pause is pending does not start; paused once the running ones commit", async () => {
    const { emulator, workflows } = await start(PARALLEL_STEPS, profile);
    const handle = await workflows.create({ id: "pp" });
    await emulator.time.advance(1_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("waitingForPause");
    await emulator.time.advance(20_000); // "fast" commits; "third" is called now
    expect(commits(emulator, "pp", "fast")).toBe(1);
    expect(attempts(emulator, "pp", "third")).toBe(0);
    expect((await handle.status()).status).toBe("waitingForPause");
    await emulator.time.advance(40_000); // "slow" commits
    expect((await handle.status()).status).toBe("paused");
    await emulator.runUntilIdle();
    // local: the held step runs (and is cached) once the pause takes effect (pause-rejects-pending-step.test.ts)
    expect(attempts(emulator, "pp", "third")).toBe(profile === "local" ? 1 : 0);
    await handle.resume();
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["slow", "fast", "third"] });
    for (const step of ["slow", "fast", "third"]) expect(attempts(emulator, "pp", step)).toBe(1);
  });

  it("WF-80 a sleeping instance pauses at once, and the sleep does not end while paused", async () => {
    const { emulator, workflows } = await start(
      `await step.sleep("nap", "10 minutes"); return await step.do("after", async () => "woke");`,
      profile,
    );
    const handle = await workflows.create({ id: "s" });
    await emulator.time.advance(60_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("paused");
    expect(transitions(emulator, "s")).not.toContain("running>waitingForPause");
    await emulator.time.advance(3_600_000);
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("paused");
    expect(emulator.trace().some((e) => e.type === "sleep.end" && e.instance === "s")).toBe(false);
    expect(attempts(emulator, "s", "after")).toBe(0);
  });

  it("WF-80 an instance waiting for an event pauses at once", async () => {
    const { emulator, workflows } = await start(
      `const e = await step.waitForEvent("w", { type: "go", timeout: "1 hour" }); return e.payload;`,
      profile,
    );
    const handle = await workflows.create({ id: "e" });
    await emulator.time.advance(1_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("paused");
    expect(transitions(emulator, "e")).not.toContain("running>waitingForPause");
  });

  it("WF-80 pausing a paused, waitingForPause or terminal instance does nothing", async () => {
    const { emulator, workflows } = await start(
      `
      if (event.payload.mode === "fail") throw new Error("boom");
      if (event.payload.mode === "slow") { ${SLOW_STEP} }
      if (event.payload.mode === "sleep") await step.sleep("nap", "1 hour");
      return event.payload.mode ?? "done";
      `,
      profile,
    );
    const sleeper = await workflows.create({ id: "sleeper", params: { mode: "sleep" } });
    const slow = await workflows.create({ id: "slow", params: { mode: "slow" } });
    const done = await workflows.create({ id: "done" });
    const failed = await workflows.create({ id: "failed", params: { mode: "fail" } });
    const killed = await workflows.create({ id: "killed", params: { mode: "sleep" } });
    await emulator.time.advance(1_000);
    await killed.terminate();
    await sleeper.pause();
    await slow.pause();
    expect((await sleeper.status()).status).toBe("paused");
    expect((await slow.status()).status).toBe("waitingForPause");
    const before = statusEvents(emulator).length;
    await sleeper.pause();
    await slow.pause();
    await done.pause();
    await failed.pause();
    await killed.pause();
    expect(statusEvents(emulator).length).toBe(before);
    expect((await sleeper.status()).status).toBe("paused");
    expect((await slow.status()).status).toBe("waitingForPause");
    expect(await done.status()).toMatchObject({ status: "complete", output: "done" });
    expect((await failed.status()).status).toBe("errored");
    expect((await killed.status()).status).toBe("terminated");
  });
});

describe.each(PROFILES)("WF-81 resume (%s)", (profile) => {
  it("WF-81 resume replays run(): code outside steps runs again, committed steps do not", async () => {
    const { emulator, workflows } = await start(SLOW_THEN_NEXT, profile);
    const handle = await workflows.create({ id: "r" });
    await emulator.time.advance(1_000);
    await handle.pause();
    await emulator.time.advance(60_000);
    expect((await handle.status()).status).toBe("paused");
    const startsBefore = runStarts(emulator, "r");
    await handle.resume();
    expect(["queued", "running"]).toContain((await handle.status()).status);
    await emulator.runUntilIdle();
    expect(runStarts(emulator, "r")).toBe(startsBefore + 1);
    expect(await readLog(emulator)).toEqual(["run-start", "run-start"]);
    expect(emulator.trace().some((e) => e.type === "step.cached" && e.instance === "r" && e.step === "slow")).toBe(
      true,
    );
    expect(attempts(emulator, "r", "slow")).toBe(1);
    expect(await handle.status()).toMatchObject({ status: "complete", output: "next-done" });
  });

  it("WF-81 the remaining sleep time is kept: a 10-minute sleep paused after 2 minutes for 1 hour ends 8 minutes after resume", async () => {
    const { emulator, workflows } = await start(
      `await step.sleep("nap", "10 minutes"); return await step.do("after", async () => Date.now());`,
      profile,
    );
    const handle = await workflows.create({ id: "kept" });
    await emulator.time.advance(2 * 60_000);
    await handle.pause();
    await emulator.time.advance(60 * 60_000);
    const resumedAt = emulator.time.now();
    await handle.resume();
    await emulator.time.advance(8 * 60_000 - 1_000);
    expect((await handle.status()).status).not.toBe("complete");
    expect(emulator.trace().some((e) => e.type === "sleep.end" && e.instance === "kept")).toBe(false);
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toBe(resumedAt + 8 * 60_000);
    const end = emulator.trace().find((e) => e.type === "sleep.end" && e.instance === "kept");
    expect(end?.time).toBe(resumedAt + 8 * 60_000);
  });

  it("WF-81 the remaining retry wait is kept across a pause", async () => {
    const { emulator, workflows } = await start(
      `
      return await step.do("flaky", { retries: { limit: 1, delay: "10 minutes", backoff: "constant" } }, async (ctx) => {
        if (ctx.attempt === 1) throw new Error("first attempt fails");
        return Date.now();
      });
      `,
      profile,
    );
    const handle = await workflows.create({ id: "retry" });
    const createdAt = emulator.time.now();
    await emulator.time.advance(3 * 60_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("paused");
    await emulator.time.advance(60 * 60_000);
    const resumedAt = emulator.time.now();
    await handle.resume();
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toBe(resumedAt + 7 * 60_000);
    expect(status.output - createdAt).toBe(70 * 60_000);
    expect(attempts(emulator, "retry", "flaky")).toBe(2);
  });

  it("WF-81 resume during waitingForPause cancels the pause and returns to running", async () => {
    const { emulator, workflows } = await start(SLOW_THEN_NEXT, profile);
    const handle = await workflows.create({ id: "w" });
    await emulator.time.advance(1_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("waitingForPause");
    await handle.resume();
    expect((await handle.status()).status).toBe("running");
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "next-done" });
    expect(transitions(emulator, "w")).not.toContain("waitingForPause>paused");
    expect(transitions(emulator, "w")).toContain("waitingForPause>running");
    expect(attempts(emulator, "w", "slow")).toBe(1);
    expect(runStarts(emulator, "w")).toBe(1);
  });

  it("WF-81 resume of a running instance does nothing", async () => {
    const { emulator, workflows } = await start(SLOW_THEN_NEXT, profile);
    const handle = await workflows.create({ id: "n" });
    await emulator.time.advance(1_000);
    const before = statusEvents(emulator, "n").length;
    await handle.resume();
    expect((await handle.status()).status).toBe("running");
    expect(statusEvents(emulator, "n").length).toBe(before);
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "next-done" });
    expect(runStarts(emulator, "n")).toBe(1);
    expect(attempts(emulator, "n", "slow")).toBe(1);
  });
});

describe.each(PROFILES)("WF-82 terminate (%s)", (profile) => {
  it("WF-82 terminate ends a running instance as terminated; no further steps run and it cannot be resumed", async () => {
    const { emulator, workflows } = await start(SLOW_THEN_NEXT, profile);
    const handle = await workflows.create({ id: "t" });
    await emulator.time.advance(1_000);
    await handle.terminate();
    expect((await handle.status()).status).toBe("terminated");
    await emulator.time.advance(10 * 60_000);
    await emulator.runUntilIdle();
    expect(commits(emulator, "t", "slow")).toBe(0);
    expect(attempts(emulator, "t", "next")).toBe(0);
    await handle.resume();
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("terminated");
    expect(attempts(emulator, "t", "next")).toBe(0);
  });

  it("WF-82 terminate of a sleeping or paused instance ends it; the rest of run() never runs", async () => {
    const { emulator, workflows } = await start(
      `await step.sleep("nap", "1 hour"); return await step.do("after", async () => 1);`,
      profile,
    );
    const sleeping = await workflows.create({ id: "sleeping" });
    const paused = await workflows.create({ id: "paused" });
    await emulator.time.advance(1_000);
    await paused.pause();
    await sleeping.terminate();
    await paused.terminate();
    await emulator.runUntilIdle();
    for (const [id, h] of [
      ["sleeping", sleeping],
      ["paused", paused],
    ] as Array<[string, Handle]>) {
      expect((await h.status()).status).toBe("terminated");
      expect(attempts(emulator, id, "after")).toBe(0);
    }
  });

  it("WF-82 terminate of a complete, errored or terminated instance throws (instance.cannot_terminate)", async () => {
    const { emulator, workflows } = await start(
      `if (event.payload.fail) throw new Error("boom"); await step.sleep("nap", event.payload.nap ?? 1); return "ok";`,
      profile,
    );
    const done = await workflows.create({ id: "done" });
    const failed = await workflows.create({ id: "failed", params: { fail: true } });
    const killed = await workflows.create({ id: "killed", params: { nap: "1 day" } });
    await emulator.time.advance(1_000);
    await killed.terminate();
    await emulator.runUntilIdle();
    for (const h of [done, failed, killed]) {
      const error = await h.terminate().then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/^\(instance\.cannot_terminate\) /);
      if (profile === "local") {
        expect(error?.message).toBe(
          "(instance.cannot_terminate) Cannot terminate instance since its on a finite state",
        );
      }
    }
    expect((await done.status()).status).toBe("complete");
    expect((await failed.status()).status).toBe("errored");
    expect((await killed.status()).status).toBe("terminated");
  });
});

describe.each(PROFILES)("WF-83 restart (%s)", (profile) => {
  const STEPS = `
    globalThis.log.push(["run", event.payload]);
    const a = await step.do("a", async () => "a" + event.payload.v);
    const b = await step.do("b", async () => "b" + event.payload.v);
    await step.sleep("nap", "1 minute");
    const c = await step.do("c", async () => "c" + event.payload.v);
    return [a, b, c];
  `;

  it("WF-83 restart from scratch re-runs every step with the original params", async () => {
    const { emulator, workflows } = await start(STEPS, profile);
    const handle = await workflows.create({ id: "rs", params: { v: 1 } });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["a1", "b1", "c1"] });
    await handle.restart();
    expect(["queued", "running"]).toContain((await handle.status()).status);
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["a1", "b1", "c1"] });
    for (const step of ["a", "b", "c"]) expect(attempts(emulator, "rs", step)).toBe(2);
    expect(emulator.trace().filter((e) => e.type === "sleep.start" && e.instance === "rs")).toHaveLength(2);
    expect(transitions(emulator, "rs")).toContain("complete>queued");
    const log = (await readLog(emulator)) as Array<[string, unknown]>;
    for (const [, payload] of log) expect(payload).toEqual({ v: 1 });
  });

  it("WF-83 restart of a running instance cancels the step in progress and starts over", async () => {
    const { emulator, workflows } = await start(SLOW_THEN_NEXT, profile);
    const handle = await workflows.create({ id: "rr" });
    await emulator.time.advance(30_000);
    await handle.restart();
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "next-done" });
    expect(attempts(emulator, "rr", "slow")).toBe(2);
    expect(commits(emulator, "rr", "slow")).toBe(1);
    expect(attempts(emulator, "rr", "next")).toBe(1);
  });

  it("WF-83 restart({from}) keeps earlier cached results and re-runs the target and every later step", async () => {
    const { emulator, workflows } = await start(STEPS, profile);
    const handle = await workflows.create({ id: "rf", params: { v: 1 } });
    await emulator.runUntilIdle();
    await handle.restart({ from: { name: "b" } });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["a1", "b1", "c1"] });
    expect(attempts(emulator, "rf", "a")).toBe(1);
    expect(attempts(emulator, "rf", "b")).toBe(2);
    expect(attempts(emulator, "rf", "c")).toBe(2);
    expect(emulator.trace().filter((e) => e.type === "sleep.start" && e.instance === "rf")).toHaveLength(2);
  });

  it("WF-83 restart({from: {name, count}}) targets the N-th occurrence of a repeated step name", async () => {
    const { emulator, workflows } = await start(
      `
      const out = [];
      for (let i = 0; i < 3; i++) out.push(await step.do("x", async (ctx) => ctx.step.count));
      out.push(await step.do("y", async () => "y"));
      return out;
      `,
      profile,
    );
    const handle = await workflows.create({ id: "rc" });
    await emulator.runUntilIdle();
    await handle.restart({ from: { name: "x", count: 2 } });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: [1, 2, 3, "y"] });
    const xAttempts = emulator
      .trace()
      .flatMap((e) => (e.type === "step.attempt" && e.instance === "rc" && e.step === "x" ? [e.count] : []));
    expect(xAttempts).toEqual([1, 2, 3, 2, 3]);
    expect(attempts(emulator, "rc", "y")).toBe(2);
  });

  it('WF-83 restart({from: {name, type: "sleep"}}) picks the sleep over a step.do of the same name', async () => {
    const { emulator, workflows } = await start(
      `
      const x = await step.do("x", async () => "did-x");
      await step.sleep("x", "1 minute");
      const after = await step.do("after", async () => "after");
      return [x, after];
      `,
      profile,
    );
    const handle = await workflows.create({ id: "rt" });
    await emulator.runUntilIdle();
    await handle.restart({ from: { name: "x", type: "sleep" } });
    const restartedAt = emulator.time.now();
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["did-x", "after"] });
    expect(attempts(emulator, "rt", "x")).toBe(1);
    expect(attempts(emulator, "rt", "after")).toBe(2);
    const sleeps = emulator.trace().filter((e) => e.type === "sleep.start" && e.instance === "rt");
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1].time).toBe(restartedAt);
    // the default type is "do": restarting from "x" now re-runs the step.do as well
    await handle.restart({ from: { name: "x" } });
    await emulator.runUntilIdle();
    expect(attempts(emulator, "rt", "x")).toBe(2);
    expect(attempts(emulator, "rt", "after")).toBe(3);
  });

  it("WF-83 restart({from}) with an unknown step throws (instance.cannot_restart) and changes nothing", async () => {
    const { emulator, workflows } = await start(STEPS, profile);
    const handle = await workflows.create({ id: "ru", params: { v: 1 } });
    await emulator.runUntilIdle();
    const error = await handle.restart({ from: { name: "x" } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toBe('(instance.cannot_restart) Step "x" not found in execution history');
    await expect(handle.restart({ from: { name: "a", count: 2 } })).rejects.toThrow("(instance.cannot_restart)");
    await expect(handle.restart({ from: { name: "a", type: "sleep" } })).rejects.toThrow("(instance.cannot_restart)");
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["a1", "b1", "c1"] });
    expect(runStarts(emulator, "ru")).toBe(profile === "production" ? 2 : 1);
  });
});

describe.each(PROFILES)("WF-91 step limit (%s)", (profile) => {
  const BODY = `
    for (let i = 0; i < event.payload.steps; i++) {
      await step.do("s" + i, async () => i);
      if (event.payload.sleeps) await step.sleep("z" + i, "1 second");
    }
    return "finished";
  `;
  const LIMITED = { workflows: { WORKFLOWS: { name: "flow", className: "Flow", limits: { steps: 3 } } } };

  it("WF-91 going over limits.steps errors the instance with Error 'WorkflowFatalError: The limit of <n> steps ...'", async () => {
    const { emulator, workflows } = await start(BODY, profile, LIMITED);
    const atLimit = await workflows.create({ id: "at", params: { steps: 3 } });
    const over = await workflows.create({ id: "over", params: { steps: 4 } });
    await emulator.runUntilIdle();
    expect(await atLimit.status()).toMatchObject({ status: "complete", output: "finished" });
    expect(await over.status()).toMatchObject({
      status: "errored",
      // The engine throws it into run() with legacy error serialization; run() leaves it uncaught.
      error: {
        name: "Error",
        message:
          "WorkflowFatalError: The limit of 3 steps has been reached. This limit can be changed in your worker configuration.",
      },
    });
    expect(attempts(emulator, "over", "s3")).toBe(0);
  });

  it("WF-91 sleeps do not count toward the step limit", async () => {
    const { emulator, workflows } = await start(BODY, profile, LIMITED);
    const handle = await workflows.create({ id: "sl", params: { steps: 3, sleeps: true } });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "finished" });
  });
});

describe.each(PROFILES)("every recorded status transition is legal (%s)", (profile) => {
  it("status.ts isLegalTransition holds for every status event across sleep, retry, events, pause/resume, terminate, restart", async () => {
    const { emulator, workflows } = await start(
      `
      const mode = event.payload.mode;
      await step.do("a", async () => 1);
      if (mode === "sleep") await step.sleep("nap", "5 minutes");
      if (mode === "retry") {
        await step.do("flaky", { retries: { limit: 2, delay: "30 seconds", backoff: "constant" } }, async (ctx) => {
          if (ctx.attempt < 3) throw new Error("flaky " + ctx.attempt);
          return "ok";
        });
      }
      if (mode === "event") await step.waitForEvent("w", { type: "go", timeout: "1 hour" });
      if (mode === "timeout") await step.waitForEvent("w", { type: "go", timeout: "10 seconds" });
      if (mode === "slow") { ${SLOW_STEP} }
      if (mode === "fail") throw new Error("boom");
      if (mode === "fatal") await step.do("nr", async () => { throw new NonRetryableError("nope"); });
      await step.sleep("tail", "10 seconds");
      return mode;
      `,
      profile,
    );
    const h: Record<string, Handle> = {};
    const modes = ["sleep", "retry", "event", "timeout", "slow", "fail", "fatal", "plain"];
    for (const mode of modes) h[mode] = await workflows.create({ id: mode, params: { mode } });
    h.pauseSleep = await workflows.create({ id: "pauseSleep", params: { mode: "sleep" } });
    h.pauseSlow = await workflows.create({ id: "pauseSlow", params: { mode: "slow" } });
    h.cancelPause = await workflows.create({ id: "cancelPause", params: { mode: "slow" } });
    h.killEvent = await workflows.create({ id: "killEvent", params: { mode: "event" } });
    h.killPaused = await workflows.create({ id: "killPaused", params: { mode: "sleep" } });
    h.pauseRetry = await workflows.create({ id: "pauseRetry", params: { mode: "retry" } });
    await emulator.time.advance(1_000);
    await h.pauseSleep.pause();
    await h.pauseSlow.pause();
    await h.cancelPause.pause();
    await h.cancelPause.resume();
    await h.killEvent.terminate();
    await h.killPaused.pause();
    await h.killPaused.terminate();
    await h.pauseRetry.pause();
    await emulator.time.advance(2 * 60_000);
    await h.event.sendEvent({ type: "go", payload: 1 });
    await h.pauseSleep.resume();
    await h.pauseSlow.resume();
    await h.pauseRetry.resume();
    await emulator.runUntilIdle();
    await h.plain.restart();
    await h.fail.restart();
    await h.sleep.restart({ from: { name: "nap", type: "sleep" } });
    await emulator.time.advance(1_000);
    await h.retry.restart(); // while it may still be running
    await emulator.runUntilIdle();

    const expected: Record<string, string> = {
      sleep: "complete",
      retry: "complete",
      event: "complete",
      timeout: "errored",
      slow: "complete",
      fail: "errored",
      fatal: "errored",
      plain: "complete",
      pauseSleep: "complete",
      pauseSlow: "complete",
      cancelPause: "complete",
      killEvent: "terminated",
      killPaused: "terminated",
      pauseRetry: "complete",
    };
    for (const [id, status] of Object.entries(expected))
      expect([id, (await h[id].status()).status]).toEqual([id, status]);

    const seen = new Set<string>();
    const last = new Map<string, string>();
    for (const e of statusEvents(emulator)) {
      seen.add(e.to);
      expect(VOCABULARY).toContain(e.to);
      // each transition starts where the previous one for that instance ended
      expect([e.instance, e.from]).toEqual([e.instance, last.get(e.instance) ?? "none"]);
      last.set(e.instance, e.to);
      if (e.from === "none") {
        expect(e.to).toBe("queued");
        continue;
      }
      expect([
        e.instance,
        `${e.from}>${e.to}`,
        isLegalTransition(e.from as InstanceStatusName, e.to as InstanceStatusName),
      ]).toEqual([e.instance, `${e.from}>${e.to}`, true]);
    }
    const mustSee = ["queued", "running", "paused", "waitingForPause", "complete", "errored", "terminated"];
    if (profile === "production") mustSee.push("waiting");
    for (const s of mustSee) expect([s, seen.has(s)]).toEqual([s, true]);
    if (profile === "local") expect(seen.has("waiting")).toBe(false);
  });
});
