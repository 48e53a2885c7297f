/**
 * Workers KV in the emulator, against the docs: https://developers.cloudflare.com/kv/api/ (read, write, delete, list)
 * and /kv/platform/limits/. Error texts are the runtime's (checked against miniflare in agreement.test.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { startWorker } from "./worker-json.ts";

const FUNCTIONS = `
  export async function put(env, { key, value, options }) { await env.KV.put(key, value, options); }
  export async function get(env, { key, type }) {
    const value = await env.KV.get(key, type);
    if (type === "arrayBuffer") return { isArrayBuffer: value instanceof ArrayBuffer, bytes: [...new Uint8Array(value)] };
    if (type === "stream") return { isStream: value instanceof ReadableStream, text: await new Response(value).text() };
    return value;
  }
  export async function getWithMetadata(env, { key, type }) { return env.KV.getWithMetadata(key, type); }
  export async function getMany(env, { keys }) { return [...(await env.KV.get(keys))]; }
  export async function del(env, { key }) { return { returned: await env.KV.delete(key) }; }
  export async function list(env, options) { return env.KV.list(options); }
  export async function moduleCounter() { globalThis.n = (globalThis.n ?? 0) + 1; return globalThis.n; }
`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

async function kv() {
  const started = await startWorker(FUNCTIONS, { kvNamespaces: ["KV"] });
  emulator = started.emulator;
  return started;
}

describe("Workers KV (developers.cloudflare.com/kv/api/)", () => {
  it("get returns text by default, and json, arrayBuffer or stream when asked (/kv/api/read-key-value-pairs/)", async () => {
    const { call } = await kv();
    await call("put", { key: "k", value: '{"a":[1,2]}' });
    expect(await call("get", { key: "k" })).toBe('{"a":[1,2]}');
    expect(await call("get", { key: "k", type: "text" })).toBe('{"a":[1,2]}');
    expect(await call("get", { key: "k", type: "json" })).toEqual({ a: [1, 2] });
    const bytes = [...new TextEncoder().encode('{"a":[1,2]}')];
    expect(await call("get", { key: "k", type: "arrayBuffer" })).toEqual({ isArrayBuffer: true, bytes });
    expect(await call("get", { key: "k", type: "stream" })).toEqual({ isStream: true, text: '{"a":[1,2]}' });
    expect(await call("get", { key: "missing" })).toBeNull();
    await expect(call("get", { key: "k", type: "blob" })).rejects.toThrow(
      'TypeError: Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".',
    );
  });

  it("get of several keys answers a Map with null for missing keys (/kv/api/read-key-value-pairs/#request-multiple-keys)", async () => {
    const { call } = await kv();
    await call("put", { key: "a", value: "1" });
    expect(await call("getMany", { keys: ["a", "b"] })).toEqual([
      ["a", "1"],
      ["b", null],
    ]);
  });

  it("getWithMetadata returns the value with the metadata put with it (/kv/api/read-key-value-pairs/#getwithmetadata)", async () => {
    const { call } = await kv();
    await call("put", { key: "k", value: "v", options: { metadata: { tenant: "acme", v: 2 } } });
    expect(await call("getWithMetadata", { key: "k" })).toEqual({
      value: "v",
      metadata: { tenant: "acme", v: 2 },
      cacheStatus: null,
    });
    expect(await call("getWithMetadata", { key: "nope" })).toEqual({ value: null, metadata: null, cacheStatus: null });
  });

  it("a key put with expirationTtl is gone once that much virtual time has passed (/kv/api/write-key-value-pairs/#expiring-keys)", async () => {
    const { call, emulator } = await kv();
    await call("put", { key: "k", value: "v", options: { expirationTtl: 120 } });
    const [listed] = (await call("list", {})).keys;
    expect(listed).toEqual({ name: "k", expiration: Math.floor(emulator.time.now() / 1000) + 120 });
    await emulator.time.advance(119_000);
    expect(await call("get", { key: "k" })).toBe("v");
    await emulator.time.advance(1_000);
    expect(await call("get", { key: "k" })).toBeNull();
    expect((await call("list", {})).keys).toEqual([]);
  });

  it("a key put with an absolute expiration expires then (/kv/api/write-key-value-pairs/#expiring-keys)", async () => {
    const { call, emulator } = await kv();
    const at = Math.floor(emulator.time.now() / 1000) + 3600;
    await call("put", { key: "k", value: "v", options: { expiration: at } });
    await emulator.time.advance(3_599_000);
    expect(await call("get", { key: "k" })).toBe("v");
    await emulator.time.advance(1_000);
    expect(await call("get", { key: "k" })).toBeNull();
  });

  it("expirations under 60 seconds, or in the past, are refused with the runtime's texts (/kv/api/write-key-value-pairs/#expiring-keys)", async () => {
    const { call, emulator } = await kv();
    await expect(call("put", { key: "k", value: "v", options: { expirationTtl: 30 } })).rejects.toThrow(
      "Error: KV PUT failed: 400 Invalid expiration_ttl of 30. Expiration TTL must be at least 60.",
    );
    await expect(call("put", { key: "k", value: "v", options: { expiration: 1000 } })).rejects.toThrow(
      "Error: KV PUT failed: 400 Invalid expiration of 1000. Please specify integer greater than the current number of seconds since the UNIX epoch.",
    );
    const soon = Math.floor(emulator.time.now() / 1000) + 10;
    await expect(call("put", { key: "k", value: "v", options: { expiration: soon } })).rejects.toThrow(
      `Invalid expiration of ${soon}. Expiration times must be at least 60 seconds in the future.`,
    );
  });

  it("keys: empty, '.', over 512 bytes, and metadata over 1024 bytes are refused (/kv/platform/limits/)", async () => {
    const { call } = await kv();
    await expect(call("put", { key: "", value: "v" })).rejects.toThrow("TypeError: Key name cannot be empty.");
    await expect(call("put", { key: "..", value: "v" })).rejects.toThrow(
      'TypeError: ".." is not allowed as a key name.',
    );
    await expect(call("get", { key: "k".repeat(513) })).rejects.toThrow(
      "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.",
    );
    await expect(call("put", { key: "k", value: "v", options: { metadata: "x".repeat(1100) } })).rejects.toThrow(
      "KV PUT failed: 413 Metadata length of 1102 exceeds limit of 1024.",
    );
  });

  it("delete removes a key and resolves to undefined, also for a missing key (/kv/api/delete-key-value-pairs/)", async () => {
    const { call } = await kv();
    await call("put", { key: "k", value: "v" });
    expect(await call("del", { key: "k" })).toEqual({});
    expect(await call("get", { key: "k" })).toBeNull();
    expect(await call("del", { key: "k" })).toEqual({});
  });

  it("list: keys in order with metadata, by prefix, in pages of `limit` joined by `cursor` (/kv/api/list-keys/)", async () => {
    const { call } = await kv();
    for (const key of ["tenants/b/v1", "tenants/a/v2", "tenants/a/v1", "other"])
      await call("put", { key, value: "x", options: key === "other" ? { metadata: { m: 1 } } : undefined });
    expect((await call("list", {})).keys.map((k: { name: string }) => k.name)).toEqual([
      "other",
      "tenants/a/v1",
      "tenants/a/v2",
      "tenants/b/v1",
    ]);
    expect((await call("list", {})).keys[0]).toEqual({ name: "other", metadata: { m: 1 } });
    const first = await call("list", { prefix: "tenants/", limit: 2 });
    expect(first.keys.map((k: { name: string }) => k.name)).toEqual(["tenants/a/v1", "tenants/a/v2"]);
    expect(first.list_complete).toBe(false);
    expect(typeof first.cursor).toBe("string");
    const second = await call("list", { prefix: "tenants/", limit: 2, cursor: first.cursor });
    expect(second).toEqual({ keys: [{ name: "tenants/b/v1" }], list_complete: true, cacheStatus: null });
    await expect(call("list", { limit: 1001 })).rejects.toThrow(
      "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000.",
    );
  });

  it("a crash keeps KV data and drops the dispatcher's memory (durable vs memory, docs/architecture.md)", async () => {
    const { call, emulator } = await kv();
    await call("put", { key: "k", value: "kept" });
    expect(await call("moduleCounter")).toBe(1);
    expect(await call("moduleCounter")).toBe(2);
    emulator.crash();
    expect(await call("get", { key: "k" })).toBe("kept");
    expect(await call("moduleCounter")).toBe(1); // a fresh dispatcher isolate
  });

  it("the host reaches the same namespace through getKVNamespace and getBindings (seeding tenant code)", async () => {
    const { call, emulator } = await kv();
    const host = await emulator.getKVNamespace("KV");
    await host.put("tenants/acme/code", "export default {}", { metadata: { version: 3 } });
    expect(await call("getWithMetadata", { key: "tenants/acme/code" })).toMatchObject({ metadata: { version: 3 } });
    await call("put", { key: "from-worker", value: "w" });
    const { KV } = await emulator.getBindings<{ KV: { get(key: string): Promise<unknown> } }>();
    expect(await KV.get("from-worker")).toBe("w");
  });

  it("two bindings with the same namespace id share data; different ids do not (Miniflare's kvNamespaces shape)", async () => {
    const started = await startWorker(
      `export async function both(env) { await env.A.put("k", "a"); return [await env.B.get("k"), await env.C.get("k")]; }`,
      { kvNamespaces: { A: "shared", B: "shared", C: "other" } },
    );
    emulator = started.emulator;
    expect(await started.call("both")).toEqual(["a", null]);
  });
});
