/**
 * Hibernation (WF-08, WF-53, WF-69, §E.3/§E.4): production hibernates an instance during a sleep, a retry wait and
 * an event wait and replays run() when it wakes, so in-memory state outside steps is lost; the local engine keeps
 * one run() alive and never reports `waiting`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

type ProfileName = "production" | "local";
const PROFILES: ProfileName[] = ["production", "local"];

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

async function start(body: string, profile: ProfileName, extra = ""): Promise<PlainWorkflow> {
  current = await startPlain(body, { profile }, extra);
  return current;
}

function runStarts(emulator: Emulator, id: string): number {
  return emulator.trace().filter((e) => e.type === "run.start" && e.instance === id).length;
}

function hibernations(emulator: Emulator, id: string): number {
  return emulator.trace().filter((e) => e.type === "hibernate" && e.instance === id).length;
}

/**
 * The D-RULES example: state set by a step callback (which runs only once) into a variable outside the step. After
 * a replay the callback does not run again, so the variable is back to its initial value.
 */
const WAITS: Record<string, string> = {
  sleep: `await step.sleep("nap", "10 minutes");`,
  retry: `await step.do("flaky", { retries: { limit: 1, delay: "1 minute", backoff: "constant" } }, async (ctx) => {
            if (ctx.attempt === 1) throw new Error("first attempt fails");
            return "ok";
          });`,
  event: `await step.waitForEvent("w", { type: "go", timeout: "1 hour" });`,
};

function stateBody(wait: string): string {
  return `
    let local = "initial";
    this.field ??= "initial";
    await step.do("remember", async () => {
      local = "set-in-step";
      this.field = "set-in-step";
      return 1;
    });
    ${wait}
    return { local, field: this.field };
  `;
}

describe("WF-08 in-memory state outside steps across a wait", () => {
  for (const [kind, wait] of Object.entries(WAITS)) {
    for (const profile of PROFILES) {
      const expected = profile === "production" ? "initial" : "set-in-step";
      it(`WF-08 [${profile === "production" ? "PROD" : "LOCAL"}] a run() variable and an instance field set before ${
        kind === "sleep" ? "a sleep" : kind === "retry" ? "a retry wait" : "an event wait"
      } are ${profile === "production" ? "gone" : "kept"} after it (${profile})`, async () => {
        const { emulator, workflows } = await start(stateBody(wait), profile);
        const handle = await workflows.create({ id: "state" });
        await emulator.time.advance(1_000);
        if (kind === "event") await handle.sendEvent({ type: "go", payload: null });
        await emulator.runUntilIdle();
        const status = await handle.status();
        expect(status.status).toBe("complete");
        expect(status.output).toEqual({ local: expected, field: expected });
        expect(runStarts(emulator, "state")).toBe(profile === "production" ? 2 : 1);
        expect(emulator.trace().filter((e) => e.type === "step.attempt" && e.step === "remember")).toHaveLength(1);
      });
    }
  }

  it("WF-08 [PROD] the durable state is what steps return: a step's result survives the sleep", async () => {
    const { emulator, workflows } = await start(
      `
      const memo = await step.do("remember", async () => ({ token: "abc" }));
      await step.sleep("nap", "1 day");
      return memo;
      `,
      "production",
    );
    const handle = await workflows.create({ id: "durable" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: { token: "abc" } });
    expect(hibernations(emulator, "durable")).toBe(1);
  });
});

describe("WF-53 / WF-69 status while waiting", () => {
  const BODY = `
    await step.sleep("nap", "10 minutes");
    await step.do("flaky", { retries: { limit: 1, delay: "10 minutes", backoff: "constant" } }, async (ctx) => {
      if (ctx.attempt === 1) throw new Error("first attempt fails");
      return "ok";
    });
    await step.waitForEvent("w", { type: "go", timeout: "1 hour" });
    return "done";
  `;

  it("WF-53 [PROD] waiting during a sleep and a retry wait; running while waiting for an event (WF-69)", async () => {
    const { emulator, workflows } = await start(BODY, "production");
    const handle = await workflows.create({ id: "w" });
    await emulator.time.advance(60_000);
    expect((await handle.status()).status).toBe("waiting"); // sleeping
    await emulator.time.advance(10 * 60_000);
    expect(emulator.trace().some((e) => e.type === "step.failure" && e.instance === "w" && e.willRetry)).toBe(true);
    expect((await handle.status()).status).toBe("waiting"); // waiting for the retry
    await emulator.time.advance(10 * 60_000);
    expect(emulator.trace().some((e) => e.type === "step.commit" && e.instance === "w" && e.step === "flaky")).toBe(
      true,
    );
    expect((await handle.status()).status).toBe("running"); // waiting for an event
    await handle.sendEvent({ type: "go" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "done" });
    const transitions = emulator
      .trace()
      .flatMap((e) => (e.type === "status" && e.instance === "w" ? [`${e.from}>${e.to}`] : []));
    expect(transitions.filter((t) => t === "running>waiting")).toHaveLength(2);
  });

  it("WF-53 [LOCAL] always running while sleeping, waiting for a retry or for an event", async () => {
    const { emulator, workflows } = await start(BODY, "local");
    const handle = await workflows.create({ id: "w" });
    await emulator.time.advance(60_000);
    expect((await handle.status()).status).toBe("running");
    await emulator.time.advance(10 * 60_000);
    expect(emulator.trace().some((e) => e.type === "step.failure" && e.instance === "w" && e.willRetry)).toBe(true);
    expect((await handle.status()).status).toBe("running");
    await emulator.time.advance(10 * 60_000);
    expect(emulator.trace().some((e) => e.type === "step.commit" && e.instance === "w" && e.step === "flaky")).toBe(
      true,
    );
    expect((await handle.status()).status).toBe("running");
    await handle.sendEvent({ type: "go" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "done" });
    expect(emulator.trace().some((e) => e.type === "status" && e.to === "waiting")).toBe(false);
  });
});

describe("run() lifetimes", () => {
  const TWO_SLEEPS = `
    const a = await step.do("a", async () => "a");
    await step.sleep("first", "1 hour");
    const b = await step.do("b", async () => "b");
    await step.sleep("second", "1 day");
    return a + b;
  `;

  it.each([
    ["production", 3, 2],
    ["local", 1, 0],
  ] as Array<[ProfileName, number, number]>)(
    "WF-08 a workflow with 2 sleeps starts run() the right number of times (%s: %i)",
    async (profile, starts, hibernates) => {
      const { emulator, workflows } = await start(TWO_SLEEPS, profile);
      const handle = await workflows.create({ id: "two" });
      await emulator.runUntilIdle();
      expect(await handle.status()).toMatchObject({ status: "complete", output: "ab" });
      expect(runStarts(emulator, "two")).toBe(starts);
      expect(hibernations(emulator, "two")).toBe(hibernates);
      const generations = emulator
        .trace()
        .flatMap((e) => (e.type === "run.start" && e.instance === "two" ? [e.generation] : []));
      expect(generations).toEqual(Array.from({ length: starts }, (_, i) => i + 1));
      // every step ran exactly once however many lifetimes there were
      for (const step of ["a", "b"]) {
        expect(
          emulator.trace().filter((e) => e.type === "step.attempt" && e.instance === "two" && e.step === step),
        ).toHaveLength(1);
      }
    },
  );

  it("WF-08 [PROD] a sendEvent wakes a hibernated instance waiting for that event", async () => {
    const { emulator, workflows } = await start(
      `
      const before = await step.do("before", async () => "before");
      const e = await step.waitForEvent("w", { type: "go", timeout: "1 day" });
      return { before, payload: e.payload, type: e.type };
      `,
      "production",
    );
    const handle = await workflows.create({ id: "ev" });
    await emulator.runUntilIdle();
    expect(hibernations(emulator, "ev")).toBe(1);
    expect(runStarts(emulator, "ev")).toBe(1);
    expect((await handle.status()).status).toBe("running");
    // nothing happens without the event (well before the timeout)
    await emulator.time.advance(60 * 60_000);
    expect(runStarts(emulator, "ev")).toBe(1);
    // an event of another type does not wake it into delivering
    await handle.sendEvent({ type: "other", payload: 0 });
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("running");
    await handle.sendEvent({ type: "go", payload: { n: 7 } });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({
      status: "complete",
      output: { before: "before", payload: { n: 7 }, type: "go" },
    });
    const trace = emulator.trace();
    const hibernateAt = trace.findIndex((e) => e.type === "hibernate" && e.instance === "ev");
    const sendAt = trace.findIndex((e) => e.type === "event.send" && e.instance === "ev" && e.eventType === "go");
    const wakeAt = trace.findIndex((e, i) => i > sendAt && e.type === "run.start" && e.instance === "ev");
    const deliverAt = trace.findIndex((e) => e.type === "event.deliver" && e.instance === "ev");
    expect(hibernateAt).toBeGreaterThanOrEqual(0);
    expect(sendAt).toBeGreaterThan(hibernateAt);
    expect(wakeAt).toBeGreaterThan(sendAt);
    expect(deliverAt).toBeGreaterThan(wakeAt);
    expect(trace.filter((e) => e.type === "step.attempt" && e.instance === "ev" && e.step === "before")).toHaveLength(
      1,
    );
  });

  it("WF-08 [LOCAL] an event wait keeps the same run() alive; sendEvent delivers to it without a replay", async () => {
    const { emulator, workflows } = await start(
      `const e = await step.waitForEvent("w", { type: "go", timeout: "1 day" }); return e.payload;`,
      "local",
    );
    const handle = await workflows.create({ id: "ev" });
    await emulator.runUntilIdle();
    expect(hibernations(emulator, "ev")).toBe(0);
    await handle.sendEvent({ type: "go", payload: "p" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "p" });
    expect(runStarts(emulator, "ev")).toBe(1);
  });
});

describe("WF-08 module-level state across hibernation", () => {
  it("WF-08 [LOCAL] a module-level variable set by a step before a sleep is still set after it", async () => {
    const { emulator, workflows } = await start(
      `
      await step.do("remember", async () => { moduleMemo = "set-in-step"; return 1; });
      await step.sleep("nap", "10 minutes");
      return moduleMemo;
      `,
      "local",
      `let moduleMemo = "initial";`,
    );
    const handle = await workflows.create({ id: "mod" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "set-in-step" });
  });
});
