/**
 * Durable Objects in the emulator, against the docs: https://developers.cloudflare.com/durable-objects/api/ (namespace,
 * id, stub, state, storage, alarms) and the engine's durable-vs-memory rule: an eviction or a crash drops instances
 * and keeps storage and alarms. Agreement with miniflare: agreement.test.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator, Traced } from "../../../emulator/index.ts";
import { startWorker } from "./worker-json.ts";

const FUNCTIONS = `
  import { DurableObject, exports } from "cloudflare:workers";
  export class Counter extends DurableObject {
    constructor(ctx, env) { super(ctx, env); this.constructedAt = Date.now(); this.calls = 0; }
    async fetch(request) { return new Response(new URL(request.url).pathname + " " + (await this.inc(1))); }
    async inc(by) { const n = ((await this.ctx.storage.get("n")) ?? 0) + by; await this.ctx.storage.put("n", n); return n; }
    async memory() { return ++this.calls; }
    async whoAmI() { return { id: this.ctx.id.toString(), name: this.ctx.id.name ?? null, env: this.env.GREETING }; }
    async storage() {
      const s = this.ctx.storage;
      await s.put({ "k1": 1, "k2": { deep: [1] }, "k3": 3, "j": 4 });
      const many = [...(await s.get(["k1", "k2", "zz"]))];
      const reversed = [...(await s.list({ prefix: "k", reverse: true, limit: 2 }))];
      const range = [...(await s.list({ start: "j", end: "k2" }))];
      const deletedOne = await s.delete("k1");
      const deletedMany = await s.delete(["k2", "k3", "nope"]);
      let undefinedPut; try { await s.put("x", undefined); } catch (e) { undefinedPut = e.name + ": " + e.message; }
      await s.deleteAll();
      return { many, reversed, range, deletedOne, deletedMany, undefinedPut, after: [...(await s.list())] };
    }
    async sql() { try { this.ctx.storage.sql.exec("select 1"); } catch (e) { return e.name + ": " + e.message; } }
    async noAlarmHandler() { try { await this.ctx.storage.setAlarm(Date.now() + 1000); } catch (e) { return e.message; } }
  }
  export class Reminder extends DurableObject {
    async schedule(ms, failures) {
      await this.ctx.storage.put("failuresLeft", failures ?? 0);
      await this.ctx.storage.setAlarm(Date.now() + ms);
      return this.ctx.storage.getAlarm();
    }
    async alarm(info) {
      const log = (await this.ctx.storage.get("log")) ?? [];
      log.push({ at: Date.now(), retryCount: info.retryCount, isRetry: info.isRetry, seenAlarm: await this.ctx.storage.getAlarm() });
      await this.ctx.storage.put("log", log);
      const left = await this.ctx.storage.get("failuresLeft");
      if (left > 0) { await this.ctx.storage.put("failuresLeft", left - 1); throw new Error("alarm failed on purpose"); }
    }
    async log() { return { log: (await this.ctx.storage.get("log")) ?? [], alarm: await this.ctx.storage.getAlarm() }; }
  }
  export async function ids(env) {
    const a = env.COUNTER.idFromName("a");
    const unique = env.COUNTER.newUniqueId();
    let bad; try { env.COUNTER.idFromString("abc"); } catch (e) { bad = e.name + ": " + e.message; }
    return { hex: /^[0-9a-f]{64}$/.test(a.toString()), name: a.name, same: a.equals(env.COUNTER.idFromName("a")),
      other: a.equals(env.COUNTER.idFromName("b")), roundTrip: env.COUNTER.idFromString(a.toString()).equals(a),
      uniqueHex: /^[0-9a-f]{64}$/.test(unique.toString()), uniqueName: unique.name ?? null, bad };
  }
  export async function viaFetch(env) {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("a"));
    return [await (await stub.fetch("http://do/x")).text(), await (await stub.fetch("http://do/y")).text()];
  }
  export async function rpc(env, { name, method, args }) { return env.COUNTER.getByName(name)[method](...(args ?? [])); }
  export async function stubProps(env) { const s = env.COUNTER.getByName("a"); return [s.id.name, s.name, s.id.equals(env.COUNTER.idFromName("a"))]; }
  export async function notAMethod(env) { return env.COUNTER.getByName("a").nope(); }
  export async function viaExports() { return exports.Counter.getByName("a").inc(10); }
  export async function viaCtxExports(env, _body, ctx) { return ctx.exports.Counter.getByName("a").inc(100); }
  export async function remind(env, { name, ms, failures }) { return exports.Reminder.getByName(name).schedule(ms, failures); }
  export async function reminderLog(env, { name }) { return exports.Reminder.getByName(name).log(); }
`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

async function objects() {
  const started = await startWorker(FUNCTIONS, {
    durableObjects: { COUNTER: "Counter" },
    bindings: { GREETING: "hi" },
  });
  emulator = started.emulator;
  return started;
}

const events = (emu: Emulator, type: string) => emu.trace().filter((e: Traced) => e.type === type);

describe("Durable Objects (developers.cloudflare.com/durable-objects/api/)", () => {
  it("ids: idFromName is stable and carries the name; newUniqueId; idFromString checks 64 hex digits (/durable-objects/api/namespace/, /api/id/)", async () => {
    const { call } = await objects();
    expect(await call("ids")).toEqual({
      hex: true,
      name: "a",
      same: true,
      other: false,
      roundTrip: true,
      uniqueHex: true,
      uniqueName: null,
      bad: "TypeError: Invalid Durable Object ID: must be 64 hex digits",
    });
  });

  it("a stub reaches one object by fetch and by RPC methods; getByName is get(idFromName) (/durable-objects/api/stub/)", async () => {
    const { call } = await objects();
    expect(await call("viaFetch")).toEqual(["/x 1", "/y 2"]);
    expect(await call("rpc", { name: "a", method: "inc", args: [5] })).toBe(7);
    expect(await call("rpc", { name: "b", method: "inc", args: [5] })).toBe(5);
    expect(await call("stubProps")).toEqual(["a", "a", true]);
    await expect(call("notAMethod")).rejects.toThrow(
      'TypeError: The RPC receiver does not implement the method "nope".',
    );
  });

  it("the object gets ctx.id (with its name) and the dispatcher's env (/durable-objects/api/state/)", async () => {
    const { call } = await objects();
    const who = await call("rpc", { name: "a", method: "whoAmI" });
    expect(who).toMatchObject({ name: "a", env: "hi" });
    expect(who.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ctx.storage: get/put/delete one or many, list with prefix, reverse, limit, start, end; deleteAll (/durable-objects/api/legacy-kv-storage-api/)", async () => {
    const { call } = await objects();
    expect(await call("rpc", { name: "s", method: "storage" })).toEqual({
      many: [
        ["k1", 1],
        ["k2", { deep: [1] }],
      ],
      reversed: [
        ["k3", 3],
        ["k2", { deep: [1] }],
      ],
      range: [
        ["j", 4],
        ["k1", 1],
      ],
      deletedOne: true,
      deletedMany: 2,
      undefinedPut: "TypeError: put() called with undefined value.",
      after: [],
    });
    expect(await call("rpc", { name: "s", method: "sql" })).toMatch(/^EmulatorUnsupportedError: ctx.storage.sql/);
    expect(await call("rpc", { name: "s", method: "noAlarmHandler" })).toBe(
      "Your Durable Object class must have an alarm() handler in order to call setAlarm()",
    );
  });

  it("ctx.exports and cloudflare:workers exports have a namespace for each Durable Object class, bound or not (/workers/runtime-apis/context/#exports)", async () => {
    const { call } = await objects();
    expect(await call("viaExports")).toBe(10);
    expect(await call("viaCtxExports")).toBe(110);
    expect(await call("rpc", { name: "a", method: "inc", args: [0] })).toBe(110); // the same object as env.COUNTER's
    expect(await call("remind", { name: "r", ms: 60_000 })).toBeTypeOf("number"); // Reminder has no binding
  });

  it("eviction drops the instance's memory and keeps its storage (durable vs memory)", async () => {
    const { call, emulator } = await objects();
    await call("rpc", { name: "a", method: "inc", args: [3] });
    expect(await call("rpc", { name: "a", method: "memory" })).toBe(1);
    expect(await call("rpc", { name: "a", method: "memory" })).toBe(2);
    const dropped = emulator.evictDurableObjects();
    expect(dropped).toHaveLength(1);
    expect(await call("rpc", { name: "a", method: "memory" })).toBe(1);
    expect(await call("rpc", { name: "a", method: "inc", args: [0] })).toBe(3);
    expect(events(emulator, "durableObject.start")).toHaveLength(2);
  });

  it("a crash drops every instance and keeps storage (durable vs memory)", async () => {
    const { call, emulator } = await objects();
    await call("rpc", { name: "a", method: "inc", args: [4] });
    await call("rpc", { name: "a", method: "memory" });
    emulator.crash();
    expect(await call("rpc", { name: "a", method: "memory" })).toBe(1);
    expect(await call("rpc", { name: "a", method: "inc", args: [0] })).toBe(4);
  });

  it("an alarm fires at its virtual time, reads null from getAlarm while it runs, and is cleared after (/durable-objects/api/alarms/)", async () => {
    const { call, emulator } = await objects();
    const start = emulator.time.now();
    expect(await call("remind", { name: "r", ms: 60_000 })).toBe(start + 60_000);
    await emulator.time.advance(59_999);
    expect((await call("reminderLog", { name: "r" })).log).toEqual([]);
    await emulator.time.advance(1);
    expect(await call("reminderLog", { name: "r" })).toEqual({
      log: [{ at: start + 60_000, retryCount: 0, isRetry: false, seenAlarm: null }],
      alarm: null,
    });
  });

  it("a failing alarm is retried with backoff from 2 s, retryCount counting (/durable-objects/api/alarms/#alarm)", async () => {
    const { call, emulator } = await objects();
    const start = emulator.time.now();
    await call("remind", { name: "r", ms: 1_000, failures: 2 });
    await emulator.time.advance(1_000 + 2_000 + 4_000);
    const { log } = await call("reminderLog", { name: "r" });
    expect(log.map((entry: { at: number; retryCount: number }) => [entry.at - start, entry.retryCount])).toEqual([
      [1_000, 0],
      [3_000, 1],
      [7_000, 2],
    ]);
    expect(events(emulator, "durableObject.alarm").map((e) => (e as { ok: boolean }).ok)).toEqual([false, false, true]);
  });

  it("an alarm set before a crash still fires after it: alarms are durable (durable vs memory)", async () => {
    const { call, emulator } = await objects();
    const start = emulator.time.now();
    await call("remind", { name: "r", ms: 3_600_000 });
    emulator.crash();
    await emulator.time.advance(3_600_000);
    expect((await call("reminderLog", { name: "r" })).log).toEqual([
      { at: start + 3_600_000, retryCount: 0, isRetry: false, seenAlarm: null },
    ]);
  });

  it("the host reaches a namespace through getDurableObjectNamespace, with objects running in the dispatcher", async () => {
    const { call, emulator } = await objects();
    const namespace = (await emulator.getDurableObjectNamespace("COUNTER")) as {
      getByName(name: string): { inc(by: number): Promise<number> };
    };
    expect(await namespace.getByName("h").inc(2)).toBe(2);
    expect(await call("rpc", { name: "h", method: "inc", args: [1] })).toBe(3);
  });

  it("a bound class the dispatcher does not export is refused at start, naming the binding and the exports", async () => {
    await expect(startWorker(FUNCTIONS, { durableObjects: { LOGS: "LogSession" } })).rejects.toThrow(
      'durableObjects.LOGS: the dispatcher does not export a class named "LogSession" (its named exports: Counter, Reminder, ids,',
    );
  });
});
