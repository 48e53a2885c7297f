/**
 * WF-77: `instance.delete()` and `deleteBatch(ids)` in both profiles: codes and messages, duplicates, invalid ids,
 * a deleted id being free again, and a workflow that deletes its own instance stopping at the await.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { readLog, startPlain, type Handle, type PlainWorkflow } from "../../support/plain.ts";

type ProfileName = "production" | "local";
const PROFILES: ProfileName[] = ["production", "local"];

interface DeletingWorkflows {
  get(id: string): Promise<Handle & { delete(): Promise<void> }>;
  deleteBatch(ids: unknown): Promise<{
    deleted: { id: string }[];
    errors: { id: string; code: number; message: string }[];
  }>;
}

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

async function start(body: string, profile: ProfileName) {
  current = await startPlain(body, { profile });
  return { ...current, deleting: current.workflows as unknown as DeletingWorkflows };
}

function deletes(emulator: Emulator): string[] {
  return emulator.trace().flatMap((e) => (e.type === "instance.delete" ? [e.instance] : []));
}

const SLEEPY = `await step.do("a", async () => 1); await step.sleep("nap", "1 hour"); return await step.do("b", async () => 2);`;

describe.each(PROFILES)("WF-77 instance.delete() (%s)", (profile) => {
  it("WF-77 deletes a sleeping instance and its state: its execution stops, get() says not found, the id is free again", async () => {
    const { emulator, workflows, deleting } = await start(SLEEPY, profile);
    await workflows.create({ id: "doomed", params: { v: 1 } });
    await emulator.time.advance(1_000);
    await (await deleting.get("doomed")).delete();
    expect(deletes(emulator)).toEqual(["doomed"]);
    await emulator.runUntilIdle();
    expect(emulator.trace().some((e) => e.type === "step.attempt" && e.instance === "doomed" && e.step === "b")).toBe(
      false,
    );
    await expect(workflows.get("doomed")).rejects.toThrow("instance.not_found");
    const again = await workflows.create({ id: "doomed", params: { v: 2 } });
    await emulator.time.advance(3_600_000);
    await emulator.runUntilIdle();
    expect(await again.status()).toMatchObject({ status: "complete", output: 2 });
  });

  it("WF-77 a handle whose instance is gone: delete() throws the profile's not-found message", async () => {
    const { emulator, workflows, deleting } = await start(SLEEPY, profile);
    await workflows.create({ id: "once" });
    const handle = await deleting.get("once");
    await handle.delete();
    const expected =
      profile === "production"
        ? "(instance.not_found) Instance not found"
        : "(instance.not_found) Instance does not exist";
    await expect(handle.delete()).rejects.toThrow(expected);
    await emulator.runUntilIdle();
  });

  it("WF-77 a workflow that deletes its own instance stops at the await: nothing after it runs", async () => {
    const { emulator, workflows } = await start(
      `
      await step.do("before", async () => { globalThis.log.push("before"); });
      const me = await this.env.WORKFLOWS.get(event.instanceId);
      await me.delete();
      globalThis.log.push("after the await");
      await step.do("after", async () => { globalThis.log.push("after"); });
      `,
      profile,
    );
    await workflows.create({ id: "self" });
    await emulator.runUntilIdle();
    expect(deletes(emulator)).toEqual(["self"]);
    expect(await readLog(emulator)).toEqual(["before"]);
    await expect(workflows.get("self")).rejects.toThrow("instance.not_found");
  });
});

describe.each(PROFILES)("WF-77 deleteBatch(ids) (%s)", (profile) => {
  it("WF-77 one entry per position: deleted once, a duplicate reported at every position, a missing id 10400", async () => {
    const { emulator, workflows, deleting } = await start(SLEEPY, profile);
    await workflows.create({ id: "x" });
    await workflows.create({ id: "y" });
    await emulator.time.advance(1_000);
    const result = await deleting.deleteBatch(["x", "ghost", "x", "y"]);
    expect(result).toEqual({
      deleted: [{ id: "x" }, { id: "x" }, { id: "y" }],
      errors: [{ id: "ghost", code: 10400, message: "workflows.api.error.instance.not_found" }],
    });
    expect(deletes(emulator)).toEqual(["x", "y"]);
    await emulator.runUntilIdle();
    await expect(workflows.get("x")).rejects.toThrow("instance.not_found");
  });

  it("WF-71/WF-77 ids use the looser addressable pattern (a cron-style id is valid); one invalid id fails the whole call, nothing deleted", async () => {
    const { emulator, workflows, deleting } = await start(SLEEPY, profile);
    await workflows.create({ id: "keep" });
    const cronStyle = await deleting.deleteBatch(["*/5 * * * #1"]);
    expect(cronStyle.errors).toEqual([
      { id: "*/5 * * * #1", code: 10400, message: "workflows.api.error.instance.not_found" },
    ]);
    await expect(deleting.deleteBatch(["keep", "bad!id"])).rejects.toThrow(
      "(instance.invalid_id) Instance ID is invalid",
    );
    await expect(deleting.deleteBatch(["keep", "x".repeat(272)])).rejects.toThrow("(instance.invalid_id)");
    expect((await workflows.get("keep")).id).toBe("keep");
    expect(deletes(emulator)).toEqual([]);
    await emulator.runUntilIdle();
  });

  it("WF-77 1 to 100 ids: an empty list and 101 ids are refused by name", async () => {
    const { deleting } = await start(SLEEPY, profile);
    await expect(deleting.deleteBatch([])).rejects.toThrow(
      "(body) batchDeleteInstances should have at least 1 instance",
    );
    const many = Array.from({ length: 101 }, (_, i) => `i-${i}`);
    await expect(deleting.deleteBatch(many)).rejects.toThrow("only supports 100 instances at a time");
    await expect(deleting.deleteBatch("x")).rejects.toThrow("(body) Provided argument is invalid");
    const hundred = await deleting.deleteBatch(many.slice(0, 100));
    expect(hundred.errors).toHaveLength(100);
  });
});
