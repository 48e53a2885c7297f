/**
 * maxLifetimesPerInstance: a safety valve, not a Workflows behaviour. A workflow whose step names change on every
 * replay never finds its cached results; with a failing step it replays forever (production would too, and bill for
 * it). The emulator stops it and says why.
 */
import { afterEach, expect, it } from "vitest";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

it("an instance replayed more than maxLifetimesPerInstance times ends errored with EmulatorLivelockError naming the likely cause", async () => {
  current = await startPlain(
    `return await step.do("fetch @" + Date.now(), { retries: { limit: 1, delay: 1000 } }, async (ctx) => {
       if (ctx.attempt === 1) throw new Error("first attempt always fails");
       return "never reached under a changing name";
     });`,
    { maxLifetimesPerInstance: 25 },
  );
  const handle = await current.workflows.create();
  await current.emulator.runUntilIdle();
  const status = await handle.status();
  expect(status.status).toBe("errored");
  expect(status.error.name).toBe("EmulatorLivelockError");
  expect(status.error.message).toContain("replayed 25 times");
  expect(status.error.message).toContain("are step names deterministic?");
  // 25 lifetimes ran; the 26th was refused before it started
  expect(current.emulator.trace().filter((e) => e.type === "run.start")).toHaveLength(25);
});

it("a workflow with stable step names and the same failure completes well within the default valve", async () => {
  current = await startPlain(
    `return await step.do("fetch", { retries: { limit: 1, delay: 1000 } }, async (ctx) => {
       if (ctx.attempt === 1) throw new Error("first attempt always fails");
       return "ok";
     });`,
  );
  const handle = await current.workflows.create();
  await current.emulator.runUntilIdle();
  expect(await handle.status()).toMatchObject({ status: "complete", output: "ok" });
});

it("rejects an unknown emulator option by name", async () => {
  await expect(startPlain(`return 1;`, { maxLifetimes: 3 } as never)).rejects.toThrow(
    /Unknown emulator option "maxLifetimes"/,
  );
});
