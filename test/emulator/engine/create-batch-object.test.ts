/**
 * WF-75: `createBatch`'s object form, `{count, params?}` or `{instances}` → `{created, errors}`, in the production
 * profile; the local engine knows only the array form (§E.2).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, type Handle, type PlainWorkflow } from "../../support/plain.ts";

interface ObjectBatch {
  createBatch(options: unknown): Promise<{
    created: Handle[];
    errors: { index: number; id?: string; code: number; message: string }[];
  }>;
}

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

const ECHO = `return await step.do("echo", async () => ({ id: event.instanceId, payload: event.payload }));`;

async function start(profile: "production" | "local") {
  current = await startPlain(ECHO, { profile });
  return { ...current, batch: current.workflows as unknown as ObjectBatch };
}

describe("WF-75 createBatch object form (production)", () => {
  it("WF-75 {count, params}: that many instances with generated ids, each with the same params", async () => {
    const { emulator, batch } = await start("production");
    const { created, errors } = await batch.createBatch({ count: 3, params: { report: "daily" } });
    expect(errors).toEqual([]);
    expect(new Set(created.map((h) => h.id)).size).toBe(3);
    await emulator.runUntilIdle();
    for (const handle of created) {
      expect(await handle.status()).toMatchObject({
        status: "complete",
        output: { id: handle.id, payload: { report: "daily" } },
      });
    }
  });

  it("WF-75 {instances}: an id in use is an error at its input position, the others are created", async () => {
    const { emulator, workflows, batch } = await start("production");
    await workflows.create({ id: "order-1", params: { v: "old" } });
    const { created, errors } = await batch.createBatch({
      instances: [
        { id: "order-1", params: { v: "new" } },
        { id: "order-2", params: { v: 2 } },
        { id: "bad id" },
        { id: "order-3", params: { v: 3 } },
      ],
    });
    expect(created.map((h) => h.id)).toEqual(["order-2", "order-3"]);
    expect(errors).toMatchObject([
      { index: 0, id: "order-1", message: "(instance.already_exists) Instance already exists" },
      { index: 2, id: "bad id", message: expect.stringContaining("invalid id") },
    ]);
    expect(errors[0].code).not.toBe(errors[1].code);
    await emulator.runUntilIdle();
    expect(await (await workflows.get("order-1")).status()).toMatchObject({ output: { payload: { v: "old" } } });
  });

  it("WF-75 a malformed call throws and creates nothing: both forms, neither, a count outside 1..100, an id with count", async () => {
    const { emulator, batch } = await start("production");
    await expect(batch.createBatch({ count: 1, instances: [{}] })).rejects.toThrow('either "count" or "instances"');
    await expect(batch.createBatch({})).rejects.toThrow('"count" must be an integer from 1 to 100');
    await expect(batch.createBatch({ count: 101 })).rejects.toThrow('"count" must be an integer from 1 to 100');
    await expect(batch.createBatch({ count: 0 })).rejects.toThrow('"count" must be an integer from 1 to 100');
    await expect(batch.createBatch({ instances: [] })).rejects.toThrow("array of 1 to 100 create options");
    await expect(batch.createBatch({ count: 2, id: "same" })).rejects.toThrow('generates ids: pass no "id"');
    expect(emulator.trace().filter((e) => e.type === "instance.create")).toEqual([]);
  });
});

describe("WF-75 createBatch object form (local)", () => {
  it("WF-75 [LOCAL] only the array form exists: the object form is refused, naming the array form", async () => {
    const { emulator, batch } = await start("local");
    await expect(batch.createBatch({ count: 2 })).rejects.toThrow(
      "createBatch expects an array of create options: the local engine has no object form",
    );
    expect(emulator.trace().filter((e) => e.type === "instance.create")).toEqual([]);
  });
});
