/**
 * WF-78 / WF-43: what `status()` says about a rollback chain, per profile. Production adds `rollback: {outcome,
 * error?}` once a chain has ended (the recent docs' field; absent when no chain ran, cleared by a restart); while the
 * chain runs the status stays `running` (WF-43), never `rollingBack`. The local engine's status has no `rollback`
 * field (workflows-shared binding.ts `status()` returns status, output, error and the step outputs only).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

const CHAIN = (handlerB: string) => `
  await step.do("a", async () => 1, { rollback: async () => "undone-a" });
  await step.do("b", async () => 2, { rollback: ${handlerB} });
  throw new Error("boom");
`;

async function run(body: string, profile: "production" | "local") {
  current = await startPlain(body, { profile });
  const handle = await current.workflows.create({ id: "r" });
  await current.emulator.runUntilIdle();
  return { handle, emulator: current.emulator };
}

describe("WF-78 rollback in status() (production)", () => {
  it("WF-78 WF-43 a chain that completes: errored with the workflow's error and rollback {outcome: complete}", async () => {
    const { handle } = await run(CHAIN(`async () => "undone-b"`), "production");
    expect(await handle.status()).toEqual({
      status: "errored",
      error: { name: "Error", message: "boom" },
      rollback: { outcome: "complete" },
    });
  });

  it("WF-78 WF-43 a chain stopped by a failing handler: rollback {outcome: failed, error}", async () => {
    const { handle, emulator } = await run(
      CHAIN(`async () => { throw new NonRetryableError("stuck"); }`),
      "production",
    );
    const status = await handle.status();
    expect(status).toMatchObject({ status: "errored", rollback: { outcome: "failed" } });
    expect(status.rollback.error.message).toContain("stuck");
    expect(emulator.trace().filter((e) => e.type === "rollback.commit")).toHaveLength(0);
  });

  it("WF-78 no chain, no field: an instance without rollback handlers has no rollback in its status", async () => {
    const { handle } = await run(`throw new Error("plain");`, "production");
    expect(await handle.status()).not.toHaveProperty("rollback");
  });

  it("WF-78 WF-82 terminate({rollback: true}): terminated with rollback {outcome: complete}; a restart clears it", async () => {
    current = await startPlain(
      `await step.do("a", async () => 1, { rollback: async () => "undone" }); await step.sleep("s", "1 hour");`,
      { profile: "production" },
    );
    const handle = await current.workflows.create({ id: "t" });
    const { emulator } = current;
    expect(await emulator.runUntil(() => emulator.trace().some((e) => e.type === "sleep.start"))).toBe(true);
    await (handle.terminate as (o: { rollback: boolean }) => Promise<void>)({ rollback: true });
    await current.emulator.runUntilIdle();
    expect(await handle.status()).toEqual({ status: "terminated", rollback: { outcome: "complete" } });
    await handle.restart();
    expect(await handle.status()).not.toHaveProperty("rollback");
  });

  it("WF-78 WF-43 while a handler waits to retry mid-chain the status is running (not rollingBack), rollback not yet set", async () => {
    const flaky = `async () => { if (!globalThis.once) { globalThis.once = true; throw new Error("flaky"); } return "ok"; }, rollbackConfig: { retries: { limit: 1, delay: "1 minute" } }`;
    current = await startPlain(CHAIN(flaky), { profile: "production" });
    const handle = await current.workflows.create({ id: "w" });
    const { emulator } = current;
    const midChain = () => emulator.trace().some((e) => e.type === "rollback.failure" && e.willRetry);
    expect(await emulator.runUntil(midChain)).toBe(true);
    const during = await handle.status();
    expect(during.status).toBe("running");
    expect(during).not.toHaveProperty("rollback");
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "errored", rollback: { outcome: "complete" } });
  });
});

describe("WF-78 rollback in status() (local)", () => {
  it("WF-78 [LOCAL] the local engine's status has no rollback field after a chain", async () => {
    const { handle, emulator } = await run(CHAIN(`async () => "undone-b"`), "local");
    const status = await handle.status();
    expect(status).toMatchObject({ status: "errored", error: { message: "boom" } });
    expect(status).not.toHaveProperty("rollback");
    expect(emulator.trace().filter((e) => e.type === "rollback.commit")).toHaveLength(2);
  });
});
