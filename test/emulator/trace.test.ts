/**
 * The emulator's trace (`emulator.trace()`, `emulator/trace.ts`): the order of events in a simple scenario, the
 * `seq` / `time` invariants, and which faults are recorded. A fault event for `emulator.evict()` is expected but
 * not recorded; that test is in `trace.emulator-bugs.test.ts`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { isLegalTransition, type Emulator, type InstanceStatusName, type Traced } from "../../emulator/index.ts";
import { faultsOf } from "../../emulator/testing.ts";
import { startPlain, type PlainWorkflow } from "../support/plain.ts";
import { ReferenceRun } from "../support/reference.ts";

let run: ReferenceRun | undefined;
let plain: PlainWorkflow | undefined;
afterEach(async () => {
  await run?.emulator.dispose();
  await plain?.emulator.dispose();
  run = undefined;
  plain = undefined;
});

type Matcher = { label: string; test: (e: Traced) => boolean };

/** Finds each matcher after the previous one; returns the matched events (fails naming the first one missing). */
function expectInOrder(trace: readonly Traced[], matchers: Matcher[]): Traced[] {
  const found: Traced[] = [];
  let from = 0;
  for (const matcher of matchers) {
    const index = trace.findIndex((e, i) => i >= from && matcher.test(e));
    expect(
      index,
      `trace event "${matcher.label}" after position ${from}:\n${trace.map((e) => JSON.stringify(e)).join("\n")}`,
    ).toBeGreaterThanOrEqual(0);
    found.push(trace[index]);
    from = index + 1;
  }
  return found;
}

function expectSeqAndTimeInvariants(trace: readonly Traced[]): void {
  expect(trace.length).toBeGreaterThan(0);
  for (let i = 0; i < trace.length; i++) {
    expect(Number.isInteger(trace[i].seq)).toBe(true);
    expect(Number.isFinite(trace[i].time)).toBe(true);
    if (i > 0) {
      expect(trace[i].seq).toBeGreaterThan(trace[i - 1].seq);
      expect(trace[i].time).toBeGreaterThanOrEqual(trace[i - 1].time);
    }
  }
}

function expectLegalTransitions(trace: readonly Traced[], instance: string): void {
  for (const e of trace) {
    if (e.type !== "status" || e.instance !== instance || e.from === "none") continue;
    expect(isLegalTransition(e.from as InstanceStatusName, e.to as InstanceStatusName), `${e.from} → ${e.to}`).toBe(
      true,
    );
  }
}

const is =
  <T extends Traced["type"]>(type: T, pred: (e: Extract<Traced, { type: T }>) => boolean = () => true) =>
  (e: Traced) =>
    e.type === type && pred(e as Extract<Traced, { type: T }>);

function faults(emulator: Emulator) {
  return emulator.trace().filter((e): e is Extract<Traced, { type: "fault" }> => e.type === "fault");
}

describe("the trace of a simple scenario (reference dispatcher)", () => {
  it("production: create, run with metadata, loader get (cold then warm), step, sleep, hibernate, wake, run.end, complete, in order", async () => {
    run = await ReferenceRun.start(["acme"]);
    const emulator = run.emulator;
    const t0 = emulator.time.now();
    const id = await run.create("acme", {
      plan: [{ do: "first" }, { sleep: "nap", duration: "1 second" }, { do: "second" }],
    });
    await emulator.runUntilIdle();
    expect((await run.status("acme", id)).status).toBe("complete");
    const trace = emulator.trace();
    const mine = (e: { instance?: string }) => e.instance === id;

    const [, , , , start1, , attempt1, , sleepStart, hibernate, , , start2, , sleepEnd, , , runEnd, complete] =
      expectInOrder(trace, [
        {
          label: "loader.get cold (the create request)",
          test: is("loader.get", (e) => e.id === "tenant:acme" && e.getCodeRan),
        },
        { label: "instance.create", test: is("instance.create", (e) => mine(e) && e.workflow === "dynamic-workflow") },
        { label: "status none→queued", test: is("status", (e) => mine(e) && e.from === "none" && e.to === "queued") },
        {
          label: "status queued→running",
          test: is("status", (e) => mine(e) && e.from === "queued" && e.to === "running"),
        },
        { label: "run.start #1 with metadata", test: is("run.start", (e) => mine(e) && e.generation === 1) },
        {
          label: "loader.get warm (inside run)",
          test: is("loader.get", (e) => e.id === "tenant:acme" && !e.getCodeRan),
        },
        {
          label: "step.attempt first",
          test: is("step.attempt", (e) => mine(e) && e.step === "first" && e.attempt === 1),
        },
        {
          label: "step.commit first",
          test: is("step.commit", (e) => mine(e) && e.step === "first" && e.attempt === 1),
        },
        { label: "sleep.start nap", test: is("sleep.start", (e) => mine(e) && e.step === "nap") },
        { label: "hibernate", test: is("hibernate", (e) => mine(e) && e.generation === 1) },
        {
          label: "status running→waiting (WF-53)",
          test: is("status", (e) => mine(e) && e.from === "running" && e.to === "waiting"),
        },
        {
          label: "status waiting→running",
          test: is("status", (e) => mine(e) && e.from === "waiting" && e.to === "running"),
        },
        { label: "run.start #2", test: is("run.start", (e) => mine(e) && e.generation === 2) },
        { label: "step.cached first", test: is("step.cached", (e) => mine(e) && e.step === "first") },
        { label: "sleep.end nap", test: is("sleep.end", (e) => mine(e) && e.step === "nap") },
        {
          label: "step.attempt second",
          test: is("step.attempt", (e) => mine(e) && e.step === "second" && e.attempt === 1),
        },
        { label: "step.commit second", test: is("step.commit", (e) => mine(e) && e.step === "second") },
        { label: "run.end ok", test: is("run.end", (e) => mine(e) && e.ok && e.generation === 2) },
        {
          label: "status running→complete",
          test: is("status", (e) => mine(e) && e.from === "running" && e.to === "complete"),
        },
      ]);

    // run.start carries the metadata from the library's envelope, every time
    for (const e of trace) if (e.type === "run.start") expect(e.metadata).toEqual({ tenantId: "acme" });
    expect(start1.type === "run.start" && start1.metadata).toEqual({ tenantId: "acme" });
    expect(start2.type === "run.start" && start2.metadata).toEqual({ tenantId: "acme" });
    // the loader ran getCode once: at the create request; the run() lifetimes found the isolate warm
    expect(trace.filter((e) => e.type === "loader.getCode").map((e) => e.type === "loader.getCode" && e.ok)).toEqual([
      true,
    ]);
    // step numbers, times
    expect(attempt1).toMatchObject({ count: 1 });
    expect(attempt1.time).toBe(t0);
    expect(sleepStart).toMatchObject({ until: t0 + 1_000 });
    expect(sleepStart.time).toBe(t0);
    expect(hibernate).toMatchObject({ wakeAt: t0 + 1_000 });
    expect(sleepEnd.time).toBe(t0 + 1_000);
    expect(runEnd.time).toBe(t0 + 1_000);
    expect(complete.time).toBe(t0 + 1_000);
    // nothing is committed twice; no faults in a clean run
    expect(trace.filter(is("step.commit", mine))).toHaveLength(2);
    expect(faults(emulator)).toEqual([]);

    expectSeqAndTimeInvariants(trace);
    expectLegalTransitions(trace, id);
  });

  it("local: one run() lifetime, no hibernation and no waiting status", async () => {
    run = await ReferenceRun.start(["acme"], { profile: "local" });
    const emulator = run.emulator;
    const id = await run.create("acme", {
      plan: [{ do: "first" }, { sleep: "nap", duration: "1 second" }, { do: "second" }],
    });
    await emulator.runUntilIdle();
    const trace = emulator.trace();
    const mine = (e: { instance?: string }) => e.instance === id;
    expectInOrder(trace, [
      { label: "instance.create", test: is("instance.create", mine) },
      {
        label: "status queued→running",
        test: is("status", (e) => mine(e) && e.from === "queued" && e.to === "running"),
      },
      { label: "run.start", test: is("run.start", (e) => mine(e) && e.generation === 1) },
      { label: "step.commit first", test: is("step.commit", (e) => mine(e) && e.step === "first") },
      { label: "sleep.start", test: is("sleep.start", mine) },
      { label: "sleep.end", test: is("sleep.end", mine) },
      { label: "step.commit second", test: is("step.commit", (e) => mine(e) && e.step === "second") },
      { label: "run.end", test: is("run.end", (e) => mine(e) && e.ok) },
      {
        label: "status running→complete",
        test: is("status", (e) => mine(e) && e.from === "running" && e.to === "complete"),
      },
    ]);
    expect(trace.filter(is("run.start", mine))).toHaveLength(1);
    expect(trace.filter(is("hibernate"))).toEqual([]);
    expect(trace.filter(is("status", (e) => e.to === "waiting"))).toEqual([]);
    expect(trace.filter(is("step.cached"))).toEqual([]);
    expectSeqAndTimeInvariants(trace);
    expectLegalTransitions(trace, id);
  });

  it("events and retries: step.failure with willRetry, event.send before event.deliver, in order", async () => {
    plain = await startPlain(`
      const a = await step.do("flaky", { retries: { limit: 1, delay: "1 second" } }, async (ctx) => {
        if (ctx.attempt === 1) throw new Error("once");
        return ctx.attempt;
      });
      const e = await step.waitForEvent("w", { type: "go", timeout: "1 hour" });
      return [a, e.payload];
    `);
    const { emulator, workflows } = plain;
    const handle = await workflows.create({ id: "ev" });
    await emulator.runUntilIdle();
    await handle.sendEvent({ type: "go", payload: 7 });
    await emulator.runUntilIdle();
    expect(await handle.status()).toEqual({ status: "complete", output: [2, 7] });
    const trace = emulator.trace();
    const [, failure, , retry] = expectInOrder(trace, [
      { label: "attempt 1", test: is("step.attempt", (e) => e.step === "flaky" && e.attempt === 1) },
      { label: "failure 1", test: is("step.failure", (e) => e.step === "flaky" && e.attempt === 1 && e.willRetry) },
      { label: "hibernate for the retry", test: is("hibernate", (e) => e.instance === "ev") },
      { label: "attempt 2", test: is("step.attempt", (e) => e.step === "flaky" && e.attempt === 2) },
      { label: "commit 2", test: is("step.commit", (e) => e.step === "flaky" && e.attempt === 2) },
      { label: "event.send", test: is("event.send", (e) => e.instance === "ev" && e.eventType === "go") },
      { label: "event.deliver", test: is("event.deliver", (e) => e.step === "w" && e.eventType === "go") },
      { label: "run.end", test: is("run.end", (e) => e.instance === "ev" && e.ok) },
    ]);
    expect(failure.type === "step.failure" && failure.error).toBe("Error: once");
    expect(retry.time - failure.time).toBe(1_000);
    expectSeqAndTimeInvariants(trace);
    expectLegalTransitions(trace, "ev");
  });

  it("trace: false records nothing (and the run still completes)", async () => {
    plain = await startPlain(`return await step.do("a", async () => 1);`, { trace: false });
    const handle = await plain.workflows.create({ id: "quiet" });
    await plain.emulator.runUntilIdle();
    expect(await handle.status()).toEqual({ status: "complete", output: 1 });
    expect(plain.emulator.trace()).toEqual([]);
  });
});

describe("fault events in the trace", () => {
  it("emulator.crash() records a crash fault with point 'now'", async () => {
    plain = await startPlain(`await step.sleep("s", "1 hour"); return 1;`);
    await plain.workflows.create({ id: "c" });
    await plain.emulator.time.advance(1_000);
    plain.emulator.crash();
    const recorded = faults(plain.emulator);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ type: "fault", kind: "crash", point: "now" });
    expect(recorded[0].time).toBe(plain.emulator.time.now());
    await plain.emulator.runUntilIdle();
    expectSeqAndTimeInvariants(plain.emulator.trace());
  });

  it("an armed crash point records a crash fault naming the point, the instance and the step", async () => {
    plain = await startPlain(`await step.sleep("warmup", "1 second"); return await step.do("a", async () => 1);`);
    const handle = await plain.workflows.create({ id: "c" });
    plain.emulator.crash("afterStepCallback", { instance: "c", step: "a" });
    await plain.emulator.runUntilIdle();
    expect(await handle.status()).toEqual({ status: "complete", output: 1 });
    const recorded = faults(plain.emulator);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ kind: "crash", point: "afterStepCallback", detail: "c a" });
    // the crash is followed by the replay
    const after = plain.emulator.trace().filter((e) => e.seq > recorded[0].seq);
    expect(after.some(is("run.start", (e) => e.instance === "c"))).toBe(true);
    expectSeqAndTimeInvariants(plain.emulator.trace());
  });

  it("an unfired armed crash records nothing", async () => {
    plain = await startPlain(`return await step.do("a", async () => 1);`);
    plain.emulator.crash("duringWaitForEvent");
    await plain.workflows.create({ id: "c" });
    await plain.emulator.runUntilIdle();
    expect(faults(plain.emulator)).toEqual([]);
    expect(faultsOf(plain.emulator).pendingCrashes).toHaveLength(1);
  });

  it("an injected loader failure records a loaderFailure fault and a failed loader.getCode", async () => {
    run = await ReferenceRun.start(["acme"]);
    run.emulator.failLoader(1, "boom");
    await expect(run.request("acme", "/state")).rejects.toThrow("boom");
    const recorded = faults(run.emulator);
    expect(recorded).toEqual([expect.objectContaining({ kind: "loaderFailure", detail: "tenant:acme: boom" })]);
    const getCode = run.emulator.trace().filter((e) => e.type === "loader.getCode");
    expect(getCode[0]).toMatchObject({ id: "tenant:acme", ok: false, error: "boom" });
    expect(getCode[0].seq).toBeGreaterThan(recorded[0].seq);
  });

  it("emulator.evict() records a loader.evict event (reason explicit) with the ids dropped", async () => {
    run = await ReferenceRun.start(["acme", "globex"]);
    await run.request("acme", "/state");
    await run.request("globex", "/state");
    const dropped = run.emulator.evict(["tenant:acme"]);
    expect(dropped).toEqual(["tenant:acme"]);
    const evictions = run.emulator.trace().filter((e) => e.type === "loader.evict");
    expect(evictions).toEqual([
      expect.objectContaining({ binding: "LOADER", ids: ["tenant:acme"], reason: "explicit" }),
    ]);
    // evicting nothing records nothing
    expect(run.emulator.evict(["tenant:nobody"])).toEqual([]);
    expect(run.emulator.trace().filter((e) => e.type === "loader.evict")).toHaveLength(1);
  });

  it("policy evictions are traced with their reason (capacity)", async () => {
    run = await ReferenceRun.start(["acme", "globex"], { workerLoaders: { LOADER: { capacity: 1 } } });
    await run.request("acme", "/state");
    await run.request("globex", "/state");
    const evictions = run.emulator.trace().filter((e) => e.type === "loader.evict");
    expect(evictions).toEqual([expect.objectContaining({ ids: ["tenant:acme"], reason: "capacity" })]);
  });
});
