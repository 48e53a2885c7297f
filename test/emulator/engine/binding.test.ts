/**
 * The Workflow binding as seen from the host (spec A4: WF-02..WF-04, WF-70..WF-76) and the production profile's
 * JSON encoding of `create` options (emulator/profiles.ts `createOptionsEncoding`), in both profiles.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { startPlain, readLog, type PlainWorkflow } from "../../support/plain.ts";

type ProfileName = "production" | "local";
const PROFILES: ProfileName[] = ["production", "local"];
const MIB = 1024 * 1024;

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

async function start(
  body: string,
  profile: ProfileName,
  options: Record<string, unknown> = {},
  extra = "",
): Promise<PlainWorkflow> {
  current = await startPlain(body, { profile, ...options }, extra);
  return current;
}

function runStarts(emulator: Emulator, id: string): number {
  return emulator.trace().filter((e) => e.type === "run.start" && e.instance === id).length;
}

function created(emulator: Emulator): string[] {
  return emulator.trace().flatMap((e) => (e.type === "instance.create" ? [e.instance] : []));
}

// A workflow that finishes at once and returns what it was given.
const ECHO = `return await step.do("echo", async () => event.payload);`;

describe.each(PROFILES)("WF-02 the event handed to run() (%s)", (profile) => {
  it("WF-02 event has payload, timestamp = creation time (a Date, unchanged across replays), instanceId and workflowName = the config name", async () => {
    const { emulator, workflows } = await start(
      `
      const first = await step.do("first-ts", async () => event.timestamp.getTime());
      await step.sleep("nap", "1 hour");
      return {
        first,
        final: event.timestamp.getTime(),
        tag: Object.prototype.toString.call(event.timestamp),
        instanceId: event.instanceId,
        workflowName: event.workflowName,
        payload: event.payload,
      };
      `,
      profile,
      { workflows: { WORKFLOWS: { name: "orders-flow", className: "Flow" } } },
    );
    await emulator.time.advance(5_000);
    const createdAt = emulator.time.now();
    const handle = await workflows.create({ id: "evt-1", params: { order: 42, items: ["a", "b"] } });
    await emulator.time.advance(60_000);
    // force a replay in both profiles (production also replays after the sleep)
    await handle.pause();
    await emulator.time.advance(60_000);
    await handle.resume();
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(runStarts(emulator, "evt-1")).toBeGreaterThanOrEqual(2);
    expect(status.output).toEqual({
      first: createdAt,
      final: createdAt,
      tag: "[object Date]",
      instanceId: "evt-1",
      workflowName: "orders-flow",
      payload: { order: 42, items: ["a", "b"] },
    });
    expect(emulator.time.now()).toBeGreaterThan(createdAt + 3_600_000);
  });
});

describe("WF-02 payload without params (local)", () => {
  it("WF-02 [LOCAL] payload defaults to {} when create() has no params", async () => {
    const { emulator, workflows } = await start(
      `return { payload: event.payload, tag: Object.prototype.toString.call(event.payload) };`,
      "local",
    );
    const handle = await workflows.create();
    const withId = await workflows.create({ id: "no-params" });
    await emulator.runUntilIdle();
    for (const h of [handle, withId]) {
      const status = await h.status();
      expect(status.status).toBe("complete");
      expect(status.output).toEqual({ payload: {}, tag: "[object Object]" });
    }
  });
});

describe.each(PROFILES)("WF-03 event.payload is not persisted when mutated (%s)", (profile) => {
  it("WF-03 mutating event.payload in one run() is not seen by a replay", async () => {
    const { emulator, workflows } = await start(
      `
      const atStart = JSON.stringify(event.payload);
      globalThis.log.push({ atStart });
      try { event.payload.count = 99; event.payload.added = true; } catch { /* a frozen payload is fine too */ }
      const inFirstRun = await step.do("seen-in-first-run", async () => JSON.stringify(event.payload));
      await step.sleep("nap", "10 minutes");
      return { atStartOfFinalRun: atStart, inFirstRun };
      `,
      profile,
    );
    const handle = await workflows.create({ id: "mut", params: { count: 1 } });
    await emulator.time.advance(60_000);
    await handle.pause();
    await handle.resume(); // replays run() in both profiles
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(runStarts(emulator, "mut")).toBeGreaterThanOrEqual(2);
    expect(status.output.atStartOfFinalRun).toBe(JSON.stringify({ count: 1 }));
    const log = (await readLog(emulator)) as Array<{ atStart: string }>;
    expect(log.length).toBeGreaterThanOrEqual(2);
    for (const entry of log) expect(entry.atStart).toBe(JSON.stringify({ count: 1 }));
  });
});

describe.each(PROFILES)("WF-04 params must be cloneable (%s)", (profile) => {
  it("WF-04 a function in params gives a DataCloneError naming the problem and creates nothing", async () => {
    const { emulator, workflows } = await start(ECHO, profile);
    const error = await workflows.create({ id: "fn", params: { callback: () => 1 } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).not.toBeNull();
    expect(error!.name).toBe("DataCloneError");
    expect(error!.message).toMatch(/clone|serializ/i);
    expect(error!.message).toMatch(/params|create|=>|function/i);
    expect(created(emulator)).toEqual([]);
    await expect(workflows.get("fn")).rejects.toThrow(/instance\.not_found/);
  });

  it("WF-04 a Symbol in params is rejected too, and nothing is created", async () => {
    const { emulator, workflows } = await start(ECHO, profile);
    await expect(workflows.create({ params: { s: Symbol("x") } })).rejects.toMatchObject({ name: "DataCloneError" });
    expect(created(emulator)).toEqual([]);
  });
});

describe("WF-04 params size limit", () => {
  it("WF-04 [PROD] params over 1 MiB are rejected and nothing is created", async () => {
    const { emulator, workflows } = await start(ECHO, "production");
    await expect(workflows.create({ id: "big", params: { blob: "x".repeat(MIB + 1024) } })).rejects.toThrow(/1 ?MiB/);
    expect(created(emulator)).toEqual([]);
    await expect(workflows.get("big")).rejects.toThrow("(instance.not_found) Instance not found");
    // well under the limit is fine
    const small = await workflows.create({ id: "small", params: { blob: "x".repeat(512 * 1024) } });
    await emulator.runUntilIdle();
    expect((await small.status()).status).toBe("complete");
  });

  it("WF-04 [LOCAL] params over 1 MiB are accepted (the size is never checked)", async () => {
    const { emulator, workflows } = await start(`return event.payload.blob.length;`, "local");
    const handle = await workflows.create({ id: "big", params: { blob: "x".repeat(2 * MIB) } });
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toBe(2 * MIB);
  });
});

describe.each(PROFILES)("WF-70 create() (%s)", (profile) => {
  it("WF-70 create returns before execution: the instance's first step has not finished when create resolves", async () => {
    const { emulator, workflows } = await start(
      `
      const r = await step.do("slow", async () => { await new Promise((r) => setTimeout(r, 60_000)); return "done"; });
      return r;
      `,
      profile,
    );
    const handle = await workflows.create({ id: "early" });
    const status = await handle.status();
    expect(["queued", "running"]).toContain(status.status);
    expect(emulator.trace().some((e) => e.type === "step.commit" && e.instance === "early")).toBe(false);
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("complete");
  });

  it("WF-70 auto-generated ids are unique non-empty strings that get() finds", async () => {
    const { emulator, workflows } = await start(ECHO, profile);
    const handles = [];
    for (let i = 0; i < 30; i++) handles.push(await workflows.create({ params: { i } }));
    handles.push(...(await workflows.createBatch([{ params: { i: 30 } }, { params: { i: 31 } }, {}])));
    const ids = handles.map((h) => h.id);
    for (const id of ids) expect(typeof id === "string" && id.length > 0).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect((await workflows.get(id)).id).toBe(id);
    await emulator.runUntilIdle();
    expect((await handles[7].status()).output).toEqual({ i: 7 });
  });

  it("WF-70 `retention` (and locationHint) are accepted by create()", async () => {
    const { emulator, workflows } = await start(ECHO, profile);
    const create = (options: unknown) => workflows.create(options as { id?: string; params?: unknown });
    const handle = await create({
      id: "kept",
      params: { v: 1 },
      retention: { successRetention: "1 day", errorRetention: "3 days" },
    });
    const other = await create({
      id: "kept-2",
      params: { v: 2 },
      retention: { successRetention: 60_000 },
      locationHint: "weur",
    });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: { v: 1 } });
    expect(await other.status()).toMatchObject({ status: "complete", output: { v: 2 } });
  });
});

describe.each(PROFILES)("WF-71 instance ids (%s)", (profile) => {
  const INVALID: unknown[] = [
    "",
    "-leading-dash",
    "has space",
    "dot.ted",
    "slash/ed",
    "colon:ed",
    "ümlaut",
    "emoji😀",
    "new\nline",
    "a".repeat(101),
    123,
    null,
  ];

  it.each(INVALID.map((id) => [JSON.stringify(id)?.slice(0, 30) ?? String(id), id]))(
    'WF-71 id %s is rejected with "Workflow instance has invalid id"',
    async (_label, id) => {
      const { emulator, workflows } = await start(ECHO, profile);
      const create = (options: unknown) => workflows.create(options as { id?: string; params?: unknown });
      await expect(create({ id, params: {} })).rejects.toMatchObject({
        name: "WorkflowError",
        message: expect.stringContaining("Workflow instance has invalid id"),
      });
      expect(created(emulator)).toEqual([]);
    },
  );

  it("WF-71 100 characters are accepted, 101 are rejected", async () => {
    const { emulator, workflows } = await start(ECHO, profile);
    const ok = "a".repeat(100);
    const handle = await workflows.create({ id: ok });
    expect(handle.id).toBe(ok);
    await expect(workflows.create({ id: "b".repeat(101) })).rejects.toThrow("Workflow instance has invalid id");
    await emulator.runUntilIdle();
    expect((await handle.status()).status).toBe("complete");
    expect(created(emulator)).toEqual([ok]);
  });

  it("WF-71 the valid charset: letters, digits, '-' and '_', not starting with '-'", async () => {
    const { emulator, workflows } = await start(ECHO, profile);
    const valid = ["a", "Z", "0", "_", "_lead", "0abc", "ABC-def_123", "trailing-", "a--b__c", "x_-_-y"];
    for (const id of valid) expect((await workflows.create({ id })).id).toBe(id);
    await emulator.runUntilIdle();
    for (const id of valid) expect((await (await workflows.get(id)).status()).status).toBe("complete");
  });
});

describe("WF-73 duplicate ids", () => {
  it("WF-73 [PROD] create() with an id in use throws (instance.already_exists), whatever the instance's state", async () => {
    const { emulator, workflows } = await start(
      `
      if (event.payload.mode === "wait") await step.waitForEvent("w", { type: "go", timeout: "1 hour" });
      if (event.payload.mode === "fail") throw new Error("boom");
      return await step.do("echo", async () => event.payload);
      `,
      "production",
    );
    const done = await workflows.create({ id: "done", params: { v: 1 } });
    const live = await workflows.create({ id: "live", params: { mode: "wait" } });
    const failed = await workflows.create({ id: "failed", params: { mode: "fail" } });
    const killed = await workflows.create({ id: "killed", params: { mode: "wait" } });
    await emulator.time.advance(1_000);
    await killed.terminate();
    await emulator.time.advance(1_000);
    expect((await done.status()).status).toBe("complete");
    expect((await live.status()).status).toBe("running");
    expect((await failed.status()).status).toBe("errored");
    expect((await killed.status()).status).toBe("terminated");
    for (const id of ["done", "live", "failed", "killed"]) {
      await expect(workflows.create({ id, params: { v: 2 } })).rejects.toThrow(
        "(instance.already_exists) Instance already exists",
      );
    }
    // the existing instances are untouched
    expect(await done.status()).toMatchObject({ status: "complete", output: { v: 1 } });
    expect((await killed.status()).status).toBe("terminated");
    expect(runStarts(emulator, "done")).toBe(1);
    expect(created(emulator)).toEqual(["done", "live", "failed", "killed"]);
  });

  it("WF-73 [LOCAL] create() with an id in use does not throw; a terminal instance stays as it was", async () => {
    const { emulator, workflows } = await start(
      `
      if (event.payload.mode === "wait") await step.waitForEvent("w", { type: "go", timeout: "1 hour" });
      if (event.payload.mode === "fail") throw new Error("boom");
      return await step.do("echo", async () => event.payload);
      `,
      "local",
    );
    const done = await workflows.create({ id: "done", params: { v: 1 } });
    const failed = await workflows.create({ id: "failed", params: { mode: "fail" } });
    const killed = await workflows.create({ id: "killed", params: { mode: "wait" } });
    await emulator.time.advance(1_000);
    await killed.terminate();
    await emulator.runUntilIdle();
    const before = {
      done: await done.status(),
      failed: await failed.status(),
      killed: await killed.status(),
    };
    expect(before.done.status).toBe("complete");
    expect(before.failed.status).toBe("errored");
    expect(before.killed.status).toBe("terminated");
    const startsBefore = emulator.trace().filter((e) => e.type === "run.start").length;
    for (const id of ["done", "failed", "killed"]) {
      const again = await workflows.create({ id, params: { v: 2 } });
      expect(again.id).toBe(id);
    }
    await emulator.runUntilIdle();
    expect(await done.status()).toEqual(before.done);
    expect(await failed.status()).toEqual(before.failed);
    expect(await killed.status()).toEqual(before.killed);
    expect(emulator.trace().filter((e) => e.type === "run.start").length).toBe(startsBefore);
    expect(created(emulator)).toEqual(["done", "failed", "killed"]);
  });
});

describe("WF-75 createBatch", () => {
  it("WF-75 [PROD] ids already in use are skipped and left out of the result", async () => {
    const { emulator, workflows } = await start(ECHO, "production");
    const existing = await workflows.create({ id: "a", params: { v: "old" } });
    const stopped = await workflows.create({ id: "t", params: { v: "old" } });
    await stopped.terminate();
    await emulator.runUntilIdle();
    const batch = await workflows.createBatch([
      { id: "a", params: { v: "new" } },
      { id: "b", params: { v: "b" } },
      { id: "t", params: { v: "new" } },
      { id: "c", params: { v: "c" } },
    ]);
    expect(batch.map((h) => h.id)).toEqual(["b", "c"]);
    await emulator.runUntilIdle();
    expect(await existing.status()).toMatchObject({ status: "complete", output: { v: "old" } });
    expect((await stopped.status()).status).toBe("terminated");
    expect(runStarts(emulator, "a")).toBe(1);
    expect(await batch[0].status()).toMatchObject({ status: "complete", output: { v: "b" } });
    expect(await batch[1].status()).toMatchObject({ status: "complete", output: { v: "c" } });
  });

  it("WF-75 [PROD] at most 100 instances per call: 100 are created, 101 are rejected and nothing is created", async () => {
    const { emulator, workflows } = await start(ECHO, "production");
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ id: `over-${i}` }));
    await expect(workflows.createBatch(tooMany)).rejects.toThrow();
    expect(created(emulator)).toEqual([]);
    await expect(workflows.get("over-0")).rejects.toThrow("(instance.not_found) Instance not found");
    const hundred = Array.from({ length: 100 }, (_, i) => ({ id: `ok-${i}`, params: { i } }));
    const handles = await workflows.createBatch(hundred);
    expect(handles.map((h) => h.id)).toEqual(hundred.map((o) => o.id));
  });

  it('WF-75 [LOCAL] an empty batch throws "batchCreate should have at least 1 instance"', async () => {
    const { emulator, workflows } = await start(ECHO, "local");
    await expect(workflows.createBatch([])).rejects.toThrow("batchCreate should have at least 1 instance");
    expect(created(emulator)).toEqual([]);
  });

  it("WF-75 [LOCAL] a bad item creates nothing (no half-created batch)", async () => {
    const { emulator, workflows } = await start(ECHO, "local");
    await expect(workflows.createBatch([{ id: "good-1" }, { id: "bad id" }, { id: "good-2" }])).rejects.toThrow(
      "Workflow instance has invalid id",
    );
    await expect(
      workflows.createBatch([{ id: "good-3" }, { id: "good-4", params: { fn: () => 1 } }]),
    ).rejects.toMatchObject({ name: "DataCloneError" });
    expect(created(emulator)).toEqual([]);
    for (const id of ["good-1", "good-2", "good-3", "good-4"])
      await expect(workflows.get(id)).rejects.toThrow("instance.not_found");
  });

  it("WF-75 [LOCAL] no 100 cap and duplicates are not skipped (a terminal one stays as it was)", async () => {
    const { emulator, workflows } = await start(ECHO, "local");
    const existing = await workflows.create({ id: "a", params: { v: "old" } });
    await emulator.runUntilIdle();
    const batch = Array.from({ length: 150 }, (_, i) => ({ id: `n-${i}`, params: { i } }));
    const handles = await workflows.createBatch([{ id: "a", params: { v: "new" } }, ...batch]);
    expect(handles).toHaveLength(151);
    expect(handles[0].id).toBe("a");
    await emulator.runUntilIdle();
    expect(await existing.status()).toMatchObject({ status: "complete", output: { v: "old" } });
    expect(await handles[150].status()).toMatchObject({ status: "complete", output: { i: 149 } });
  });
});

describe("WF-76 get() of a missing id", () => {
  it('WF-76 [PROD] throws "(instance.not_found) Instance not found"', async () => {
    const { emulator, workflows } = await start(ECHO, "production");
    await expect(workflows.get("nope")).rejects.toThrow("(instance.not_found) Instance not found");
    const handle = await workflows.create({ id: "yes" });
    expect((await workflows.get("yes")).id).toBe(handle.id);
    await emulator.runUntilIdle();
  });

  it('WF-76 [LOCAL] throws "instance.not_found" without the code prefix', async () => {
    const { workflows } = await start(ECHO, "local");
    const error = await workflows.get("nope").then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toBe("instance.not_found");
    await workflows.create({ id: "yes" });
    expect((await workflows.get("yes")).id).toBe("yes");
    // WF-71: get() does not validate the id; a malformed one is simply not found
    await expect(workflows.get("not a valid id!")).rejects.toThrow(/^instance\.not_found$/);
  });
});

describe("create options encoding (production JSON vs local structured clone)", () => {
  const DESCRIBE = `
    const tag = (v) => Object.prototype.toString.call(v);
    const p = event.payload;
    return {
      whenTag: tag(p.when),
      whenValue: typeof p.when === "string" ? p.when : p.when.toISOString(),
      hasUndefinedKey: "gone" in p,
      mapTag: tag(p.map),
      kept: p.kept,
    };
  `;
  const WHEN = new Date(Date.UTC(2026, 4, 17, 12, 30, 0));

  it("[PROD] a Date in params arrives in run() as a string; undefined keys disappear; Maps become {}", async () => {
    const { emulator, workflows } = await start(DESCRIBE, "production");
    const handle = await workflows.create({
      params: { when: WHEN, gone: undefined, map: new Map([["k", 1]]), kept: 1 },
    });
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toEqual({
      whenTag: "[object String]",
      whenValue: WHEN.toISOString(),
      hasUndefinedKey: false,
      mapTag: "[object Object]",
      kept: 1,
    });
  });

  it("[LOCAL] a Date in params arrives in run() as a Date; undefined keys and Maps are kept", async () => {
    const { emulator, workflows } = await start(DESCRIBE, "local");
    const handle = await workflows.create({
      params: { when: WHEN, gone: undefined, map: new Map([["k", 1]]), kept: 1 },
    });
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.status).toBe("complete");
    expect(status.output).toEqual({
      whenTag: "[object Date]",
      whenValue: WHEN.toISOString(),
      hasUndefinedKey: true,
      mapTag: "[object Map]",
      kept: 1,
    });
  });

  it("[PROD] the caller's options object is not changed by the encoding", async () => {
    const { emulator, workflows } = await start(ECHO, "production");
    const params = { when: WHEN, gone: undefined };
    const options = { id: "same", params };
    await workflows.create(options);
    await emulator.runUntilIdle();
    expect(options.params).toBe(params);
    expect(params.when).toBe(WHEN);
    expect("gone" in params).toBe(true);
  });
});
