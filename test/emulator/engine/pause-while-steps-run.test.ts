/**
 * WF-80 / WF-81 with parallel steps: a step called while a pause is pending waits; a resume during
 * waitingForPause lets it run. (Regression: the held step used to be dropped for good.)
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

type ProfileName = "production" | "local";

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

function attempts(emulator: Emulator, id: string, step: string): number {
  return emulator.trace().filter((e) => e.type === "step.attempt" && e.instance === id && e.step === step).length;
}

/** Two steps in parallel: "slow" (1 minute) and "fast" (10 s), then "third" after "fast". */
const PARALLEL = `
  const slow = step.do("slow", async () => { await new Promise((r) => setTimeout(r, 60_000)); return "slow"; });
  const chain = (async () => {
    const fast = await step.do("fast", async () => { await new Promise((r) => setTimeout(r, 10_000)); return "fast"; });
    return [fast, await step.do("third", async () => "third")];
  })();
  return [await slow, ...(await chain)];
`;

describe.each(["production", "local"] as ProfileName[])("WF-81 resume during waitingForPause (%s)", (profile) => {
  it("WF-81 resume during waitingForPause returns to running and a step held back by the pending pause then runs", async () => {
    current = await startPlain(PARALLEL, { profile });
    const { emulator, workflows } = current;
    const handle = await workflows.create({ id: "pp" });
    await emulator.time.advance(1_000);
    await handle.pause();
    expect((await handle.status()).status).toBe("waitingForPause");
    await emulator.time.advance(20_000); // "fast" commits; "third" is called while the pause is pending
    expect(attempts(emulator, "pp", "third")).toBe(0);
    await handle.resume(); // cancels the pending pause
    expect((await handle.status()).status).toBe("running");
    await emulator.runUntilIdle();
    await emulator.time.advance(24 * 3_600_000);
    expect(attempts(emulator, "pp", "third")).toBe(1);
    expect(await handle.status()).toMatchObject({ status: "complete", output: ["slow", "fast", "third"] });
  });
});
