/**
 * WF-95: an ended instance is kept for its retention (default: 30 days, the Paid plan's maximum), during which its id
 * cannot be used again (WF-73); after it, on the emulator's virtual clock, the instance is gone and the id is free.
 * The local engine ignores `retention` and keeps everything (WF-70, §E.12).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

const DAY = 86_400_000;
let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

const MAYBE_FAIL = `return await step.do("work", { retries: { limit: 0, delay: 0 } }, async () => {
  if (event.payload.fail) throw new Error("planned");
  return "done";
});`;

async function start(profile: "production" | "local") {
  current = await startPlain(MAYBE_FAIL, { profile });
  return current;
}

type WithRetention = { create(options: unknown): Promise<{ id: string; status(): Promise<{ status: string }> }> };

describe("WF-95 retention (production)", () => {
  it("WF-95 successRetention: a retained id cannot be reused (WF-73); once it expires on virtual time, get() says not found and create() may use the id again", async () => {
    const { emulator, workflows } = await start("production");
    await (workflows as unknown as WithRetention).create({
      id: "kept",
      params: {},
      retention: { successRetention: "1 day" },
    });
    await emulator.runUntilIdle();
    expect((await (await workflows.get("kept")).status()).status).toBe("complete");
    await emulator.time.advance(DAY - 1_000);
    await expect(workflows.create({ id: "kept", params: {} })).rejects.toThrow("(instance.already_exists)");
    await emulator.time.advance(2_000);
    await expect(workflows.get("kept")).rejects.toThrow("(instance.not_found) Instance not found");
    const again = await workflows.create({ id: "kept", params: {} });
    await emulator.runUntilIdle();
    expect((await again.status()).status).toBe("complete");
  });

  it("WF-95 errorRetention applies to an errored instance; without retention the default is 30 days", async () => {
    const { emulator, workflows } = await start("production");
    await (workflows as unknown as WithRetention).create({
      id: "failed",
      params: { fail: true },
      retention: { errorRetention: 3_600_000, successRetention: "30 days" },
    });
    await workflows.create({ id: "default", params: {} });
    await emulator.runUntilIdle();
    expect((await (await workflows.get("failed")).status()).status).toBe("errored");
    await emulator.time.advance(3_600_000);
    await expect(workflows.get("failed")).rejects.toThrow("instance.not_found");
    await emulator.time.advance(29 * DAY);
    expect((await (await workflows.get("default")).status()).status).toBe("complete");
    await emulator.time.advance(DAY);
    await expect(workflows.get("default")).rejects.toThrow("instance.not_found");
    expect(emulator.instances().map((i) => i.id)).toEqual([]);
  });

  it("WF-95 a bad retention duration is refused by name and creates nothing", async () => {
    const { emulator, workflows } = await start("production");
    await expect(
      (workflows as unknown as WithRetention).create({ id: "bad", retention: { successRetention: "2 fortnights" } }),
    ).rejects.toThrow("retention.successRetention");
    await expect(workflows.get("bad")).rejects.toThrow("instance.not_found");
    expect(emulator.instances()).toEqual([]);
  });
});

describe("WF-95 retention (local)", () => {
  it("WF-95 [LOCAL] retention is ignored: the instance is still there long after it", async () => {
    const { emulator, workflows } = await start("local");
    await (workflows as unknown as WithRetention).create({
      id: "forever",
      params: {},
      retention: { successRetention: "1 second" },
    });
    await emulator.runUntilIdle();
    await emulator.time.advance(400 * DAY);
    expect((await (await workflows.get("forever")).status()).status).toBe("complete");
  });
});
