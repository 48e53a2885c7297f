/**
 * WF-43 rollback (saga) handlers, LE-09 the replay that gets them back, WF-82 terminate({ rollback: true }), in both
 * profiles: registration through step.do's last argument, LIFO by step start, the handler's arguments, the chain
 * stopping at the first failing handler, rollbackConfig, and chains that survive a crash and a hibernation.
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

async function start(body: string, profile: ProfileName): Promise<PlainWorkflow> {
  current = await startPlain(body, { profile });
  return current;
}

// A handler that reports what it received (the trace keeps what a handler returns).
const REPORT = `async ({ ctx, error, output, stepName }) => ({ stepName, output, error: error.name + ": " + error.message, ctx })`;

function commits(emulator: Emulator, id: string) {
  return emulator
    .trace()
    .flatMap((e) => (e.type === "rollback.commit" && e.instance === id ? [e] : []))
    .map((e) => ({ step: e.step, attempt: e.attempt, result: e.result as Record<string, unknown> | undefined }));
}

describe.each(PROFILES)("WF-43 rollback on failure (%s)", (profile) => {
  it("WF-43 handlers run LIFO by step start with { ctx, error, output, stepName }; the instance errors with the workflow's error", async () => {
    const { emulator, workflows } = await start(
      `
      await step.do("a", async () => "out-a", { rollback: ${REPORT} });
      await step.do("plain", async () => "no rollback");
      await step.do("b", { retries: { limit: 1, delay: 10, backoff: "constant" } }, async () => ({ n: 2 }), { rollback: ${REPORT} });
      await step.do("c", async () => "out-c", { rollback: ${REPORT} });
      throw new Error("boom");
      `,
      profile,
    );
    const handle = await workflows.create({ id: "lifo" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "errored", error: { name: "Error", message: "boom" } });
    const done = commits(emulator, "lifo");
    expect(done.map((c) => c.step)).toEqual(["c", "b", "a"]);
    expect(done[1].result).toEqual({
      stepName: "b-1",
      output: { n: 2 },
      error: "Error: boom",
      ctx: {
        step: { name: "b", count: 1 },
        attempt: 1,
        config: { retries: { limit: 1, backoff: "constant", delay: 10 }, timeout: "10 minutes" },
      },
    });
    const statuses = emulator.trace().filter((e) => e.type === "status" && e.instance === "lifo");
    // WF-43: running while the chain runs; errored only after it.
    const end = emulator.trace().find((e) => e.type === "rollback.end" && e.instance === "lifo")!;
    expect(statuses.at(-1)).toMatchObject({ from: "running", to: "errored" });
    expect(statuses.at(-1)!.seq).toBeGreaterThan(end.seq);
  });

  it("WF-43 a step that failed for good is rolled back with output undefined; a step without a handler is skipped", async () => {
    const { emulator, workflows } = await start(
      `
      await step.do("a", async () => "out-a", { rollback: ${REPORT} });
      await step.do("fails", { retries: { limit: 0, delay: 0 } }, async () => { throw new Error("step-boom"); }, { rollback: ${REPORT} });
      `,
      profile,
    );
    await workflows.create({ id: "failed-step" });
    await emulator.runUntilIdle();
    const done = commits(emulator, "failed-step");
    expect(done.map((c) => c.step)).toEqual(["fails", "a"]);
    expect(done[0].result).toMatchObject({ output: undefined, error: "Error: step-boom", stepName: "fails-1" });
  });

  it("WF-43 the chain stops at the first rollback that fails for good (after its rollbackConfig retries)", async () => {
    const { emulator, workflows } = await start(
      `
      await step.do("a", async () => 1, { rollback: ${REPORT} });
      await step.do("b", async () => 2, {
        rollback: async () => { throw new Error("rollback-boom"); },
        rollbackConfig: { retries: { limit: 1, delay: 100, backoff: "constant" }, timeout: "1 minute" },
      });
      await step.do("c", async () => 3, { rollback: ${REPORT} });
      throw new Error("boom");
      `,
      profile,
    );
    const handle = await workflows.create({ id: "stops" });
    await emulator.runUntilIdle();
    expect(commits(emulator, "stops").map((c) => c.step)).toEqual(["c"]);
    const failures = emulator.trace().filter((e) => e.type === "rollback.failure" && e.instance === "stops");
    expect(failures.map((e) => e.type === "rollback.failure" && [e.step, e.attempt, e.willRetry])).toEqual([
      ["b", 1, true],
      ["b", 2, false],
    ]);
    expect(emulator.trace().find((e) => e.type === "rollback.end")).toMatchObject({ outcome: "failed", completed: 1 });
    expect(await handle.status()).toMatchObject({ status: "errored", error: { message: "boom" } });
  });

  it("WF-43 a successful workflow runs no rollback", async () => {
    const { emulator, workflows } = await start(
      `return await step.do("a", async () => 1, { rollback: ${REPORT} });`,
      profile,
    );
    const handle = await workflows.create({ id: "ok" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete" });
    expect(emulator.trace().some((e) => e.type.startsWith("rollback."))).toBe(false);
  });

  it.each([
    [`{ rollback: "not a function" }`, /Rollback for "a" must be a function/],
    [`"options"`, /Rollback options for "a" must be an object/],
    [
      `{ rollback: async () => {}, rollbackConfig: { sensitive: "output" } }`,
      /rollbackConfig accepts only retries and timeout, got "sensitive"/,
    ],
    [
      `{ rollback: async () => {}, rollbackConfig: { retries: { limit: 1 } } }`,
      /Rollback config for "a" is in a invalid format.*retries.delay is required/,
    ],
  ])("WF-43 bad rollback options %s fail the step call with a clear error", async (options, message) => {
    const { emulator, workflows } = await start(`await step.do("a", async () => 1, ${options});`, profile);
    const handle = await workflows.create({ id: "bad" });
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("errored");
    expect(status.error.message).toMatch(message);
  });
});

describe.each(PROFILES)("WF-43 a pause during a chain (%s)", (profile) => {
  it("WF-43 WF-81 a chain paused while a rollback waits to retry resumes on resume(), finished rollbacks not re-run", async () => {
    const { emulator, workflows } = await start(
      `
      await step.do("a", async () => 1, { rollback: ${REPORT} });
      await step.do("b", async () => 2, {
        rollback: async () => { if (!globalThis.failedOnce) { globalThis.failedOnce = true; throw new Error("flaky"); } return "b-undone"; },
        rollbackConfig: { retries: { limit: 2, delay: "1 minute", backoff: "constant" } },
      });
      await step.do("c", async () => 3, { rollback: ${REPORT} });
      throw new Error("boom");
      `,
      profile,
    );
    const handle = await workflows.create({ id: "paused-chain" });
    await emulator.time.advance(1_000);
    await handle.pause();
    await emulator.time.advance(120_000);
    expect((await handle.status()).status).toBe("paused");
    expect(commits(emulator, "paused-chain").map((c) => c.step)).toEqual(["c"]);
    await handle.resume();
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("errored");
    expect(commits(emulator, "paused-chain").map((c) => c.step)).toEqual(["c", "b", "a"]);
  });
});

describe.each(PROFILES)("WF-82 terminate({ rollback: true }) (%s)", (profile) => {
  const SLEEPY = `
    await step.do("a", async () => "out-a", { rollback: ${REPORT} });
    await step.do("b", async () => "out-b", { rollback: ${REPORT} });
    await step.sleep("nap", "1 hour");
    await step.do("after", async () => 3, { rollback: ${REPORT} });
  `;

  it("WF-82 LE-09 runs the registered rollbacks LIFO with a Terminated error, then the instance is terminated", async () => {
    const { emulator, workflows } = await start(SLEEPY, profile);
    const handle = await workflows.create({ id: "term" });
    await emulator.time.advance(1_000);
    await (handle.terminate as (o: unknown) => Promise<void>)({ rollback: true });
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("terminated");
    const done = commits(emulator, "term");
    expect(done.map((c) => c.step)).toEqual(["b", "a"]);
    // Across RPC a custom error name folds into the message ("Terminated: ..."), as on workerd (rebuild-error.ts).
    expect(done[0].result).toMatchObject({
      error: "Error: Terminated: Instance terminated during rollback",
      output: "out-b",
    });
    expect(emulator.trace().some((e) => e.type === "step.attempt" && e.step === "after")).toBe(false);
  });

  it("WF-82 terminate() without the option runs no rollback", async () => {
    const { emulator, workflows } = await start(SLEEPY, profile);
    const handle = await workflows.create({ id: "plain-term" });
    await emulator.time.advance(1_000);
    await handle.terminate();
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("terminated");
    expect(commits(emulator, "plain-term")).toEqual([]);
  });
});

describe("WF-43 LE-09 a rollback chain survives a crash and a hibernation (production)", () => {
  const CHAIN = `
    for (const name of ["a", "b", "c"]) await step.do(name, async () => "out-" + name, { rollback: ${REPORT} });
    throw new Error("boom");
  `;

  it("LE-09 a crash after b's rollback committed: the next lifetime replays run() for the handlers; each rollback commits once", async () => {
    const { emulator, workflows } = await start(CHAIN, "production");
    const handle = await workflows.create({ id: "crashy" });
    emulator.crash("afterStepCommit", { step: "rollback:b" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "errored", error: { message: "boom" } });
    expect(commits(emulator, "crashy").map((c) => c.step)).toEqual(["c", "b", "a"]);
    const starts = emulator.trace().filter((e) => e.type === "rollback.start" && e.instance === "crashy");
    expect(starts.map((e) => e.type === "rollback.start" && e.pending)).toEqual([3, 1]);
    expect(emulator.trace().filter((e) => e.type === "step.attempt" && e.instance === "crashy")).toHaveLength(3);
  });

  it("WF-43 a rollback waiting to retry hibernates, stays running (not waiting), and the replay resumes the chain", async () => {
    const { emulator, workflows } = await start(
      `
      await step.do("a", async () => 1, { rollback: ${REPORT} });
      await step.do("b", async () => 2, {
        rollback: async ({ ctx }) => { if (!globalThis.failedOnce) { globalThis.failedOnce = true; throw new Error("flaky"); } return "b-undone"; },
        rollbackConfig: { retries: { limit: 2, delay: "1 minute", backoff: "constant" } },
      });
      throw new Error("boom");
      `,
      "production",
    );
    const handle = await workflows.create({ id: "hib" });
    await emulator.time.advance(1_000);
    expect(emulator.trace().some((e) => e.type === "hibernate" && e.instance === "hib")).toBe(true);
    expect((await handle.status()).status).toBe("running");
    await emulator.runUntilIdle();
    expect(commits(emulator, "hib").map((c) => [c.step, c.attempt])).toEqual([
      ["b", 2],
      ["a", 1],
    ]);
    expect((await handle.status()).status).toBe("errored");
  });
});
