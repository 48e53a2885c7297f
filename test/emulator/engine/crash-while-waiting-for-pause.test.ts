/**
 * Regression (issue 13, found by porting workflows-shared's engine tests): an instance in waitingForPause when the
 * engine crashes must come back paused, on both profiles. On the local profile it used to come back running on the
 * next touch and hang for ever; the local engine turns it into paused on restart.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

const SLOW_STEP_THEN_DONE = `
  await step.do("slow", async () => { await new Promise((r) => setTimeout(r, 60_000)); return "slow"; });
  return "done";
`;

describe.each(["production", "local"] as const)("WF-80 a crash during waitingForPause (%s)", (profile) => {
  it("WF-80 the instance is paused after the crash, and a resume runs it to completion", async () => {
    current = await startPlain(SLOW_STEP_THEN_DONE, { profile });
    const { emulator, workflows } = current;
    const handle = await workflows.create({ id: "wp" });
    await emulator.time.advance(1_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("waitingForPause");
    emulator.crash();
    await emulator.time.advance(120_000);
    expect((await handle.status()).status).toBe("paused");
    await handle.resume();
    await emulator.time.advance(120_000);
    expect((await handle.status()).status).toBe("complete");
  });
});
