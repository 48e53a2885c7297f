/**
 * LE-06 / WF-63 in the local profile (`storedStepErrorsKeepName`, docs/profiles.md): a failed step's error is cached
 * by V8 serialization, which keeps the message but only the built-in error names. So the engine's own
 * WorkflowTimeoutError reaches run() as `Error("WorkflowTimeoutError: Execution timed out after <ms>ms")` when it
 * happens (legacy error serialization across RPC), and as `Error("Execution timed out after <ms>ms")` when a replay
 * rethrows it from the cache. Observed on workerd (miniflare 4.20260730) with the same workflow bodies, replayed by
 * pause + resume and by a restart of workerd. Production keeps the name (not known otherwise).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, readLog, type PlainWorkflow } from "../../support/plain.ts";

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

/** Each step's error as run() sees it, per lifetime (the log), then a sleep so pause + resume can replay run(). */
const ERRORS = `
  const seen = [];
  const record = async (label, p) => { try { await p; seen.push([label, "ok"]); } catch (e) { seen.push([label, e.name, e.message]); } };
  await record("wait", step.waitForEvent("w", { type: "never", timeout: "1 minute" }));
  await record("step timeout", step.do("slow", { timeout: "10 seconds", retries: { limit: 0, delay: 0 } }, async () => {
    await new Promise((r) => setTimeout(r, 60_000));
  }));
  await record("custom name", step.do("custom", { retries: { limit: 0, delay: 0 } }, async () => {
    const e = new Error("bad custom"); e.name = "MyError"; throw e;
  }));
  await record("built-in", step.do("typed", { retries: { limit: 0, delay: 0 } }, async () => { throw new TypeError("bad typed"); }));
  globalThis.log.push(seen);
  await step.sleep("nap", "1 hour");
  return seen;
`;

async function firstAndReplay(profile: "local" | "production"): Promise<[unknown, unknown]> {
  current = await startPlain(ERRORS, { profile });
  const { emulator, workflows } = current;
  const handle = await workflows.create({ id: "e" });
  await emulator.time.advance(10 * 60_000); // every step has failed; run() sleeps
  await handle.pause();
  await handle.resume(); // replays run(): every step error now comes from the cache
  await emulator.runUntilIdle();
  const log = (await readLog(emulator)) as unknown[];
  // local: exactly two lifetimes; production also replays at every hibernation (WF-08): the last one is a replay too
  expect(log.length).toBeGreaterThanOrEqual(2);
  if (profile === "local") expect(log).toHaveLength(2);
  return [log[0], log[log.length - 1]];
}

describe("LE-06 stored step errors (local)", () => {
  it("LE-06 local: a replayed event-wait timeout or step timeout is a plain Error without the WorkflowTimeoutError prefix", async () => {
    const [first, replay] = await firstAndReplay("local");
    expect(first).toEqual([
      ["wait", "Error", "WorkflowTimeoutError: Execution timed out after 60000ms"],
      ["step timeout", "Error", "WorkflowTimeoutError: Execution timed out after 10000ms"],
      ["custom name", "Error", "MyError: bad custom"],
      ["built-in", "TypeError", "bad typed"],
    ]);
    expect(replay).toEqual([
      ["wait", "Error", "Execution timed out after 60000ms"],
      ["step timeout", "Error", "Execution timed out after 10000ms"],
      // the tenant's own errors already reached the engine as "Name: message" across RPC, and built-in names survive
      ["custom name", "Error", "MyError: bad custom"],
      ["built-in", "TypeError", "bad typed"],
    ]);
  });
});

describe("LE-06 stored step errors (production)", () => {
  it("LE-06 production: a replayed step error is the same as the first one", async () => {
    const [first, replay] = await firstAndReplay("production");
    expect(replay).toEqual(first);
    expect((first as string[][])[0]).toEqual([
      "wait",
      "Error",
      "WorkflowTimeoutError: Execution timed out after 60000ms",
    ]);
  });
});
