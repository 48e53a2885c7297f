/**
 * R2 in the emulator, against the docs: https://developers.cloudflare.com/r2/api/workers/workers-api-reference/
 * (bucket methods, R2Object, R2ObjectBody, options). Agreement with miniflare: agreement.test.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { startWorker } from "./worker-json.ts";

const FUNCTIONS = `
  const shape = (o) => o && { key: o.key, size: o.size, etag: o.etag, httpEtag: o.httpEtag, version: typeof o.version,
    uploaded: o.uploaded instanceof Date ? o.uploaded.getTime() : "not a Date", httpMetadata: o.httpMetadata,
    customMetadata: o.customMetadata, hasBody: "body" in o };
  export async function put(env, { key, value, options }) { return shape(await env.R2.put(key, value, options)); }
  export async function putBytes(env, { key, bytes }) { return shape(await env.R2.put(key, new Uint8Array(bytes))); }
  export async function head(env, { key }) { return shape(await env.R2.head(key)); }
  export async function get(env, { key, as, options }) {
    const o = await env.R2.get(key, options);
    if (!o || !("body" in o)) return shape(o);
    const body = as === "json" ? await o.json() : as === "arrayBuffer" ? [...new Uint8Array(await o.arrayBuffer())]
      : as === "stream" ? await new Response(o.body).text() : await o.text();
    return { ...shape(o), body, bodyUsed: o.bodyUsed, range: o.range ?? null };
  }
  export async function headers(env, { key }) { const h = new Headers(); (await env.R2.head(key)).writeHttpMetadata(h); return [...h]; }
  export async function del(env, { keys }) { return { returned: await env.R2.delete(keys) }; }
  export async function list(env, options) {
    const l = await env.R2.list(options);
    return { keys: l.objects.map((o) => o.key), objects: l.objects.map(shape), truncated: l.truncated,
      cursor: l.cursor ?? null, delimitedPrefixes: l.delimitedPrefixes };
  }
  export async function multipart(env) { return env.R2.createMultipartUpload("k"); }
`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

async function r2() {
  const started = await startWorker(FUNCTIONS, { r2Buckets: ["R2"] });
  emulator = started.emulator;
  return started;
}

const MD5_OF_HELLO = "5d41402abc4b2a76b9719d911017c592";

describe("R2 (developers.cloudflare.com/r2/api/workers/workers-api-reference/)", () => {
  it("put answers the R2Object: key, size, md5 etag, version, uploaded at virtual time, metadata (#r2object-definition)", async () => {
    const { call, emulator } = await r2();
    const put = await call("put", {
      key: "a.txt",
      value: "hello",
      options: { httpMetadata: { contentType: "text/plain" }, customMetadata: { tenant: "acme" } },
    });
    expect(put).toEqual({
      key: "a.txt",
      size: 5,
      etag: MD5_OF_HELLO,
      httpEtag: `"${MD5_OF_HELLO}"`,
      version: "string",
      uploaded: emulator.time.now(),
      httpMetadata: { contentType: "text/plain" },
      customMetadata: { tenant: "acme" },
      hasBody: false,
    });
    expect(await call("head", { key: "a.txt" })).toEqual(put);
    expect(await call("headers", { key: "a.txt" })).toEqual([["content-type", "text/plain"]]);
  });

  it("get answers the body once, as text, json, arrayBuffer or stream (#r2objectbody-definition)", async () => {
    const { call } = await r2();
    await call("put", { key: "j", value: '{"n":1}' });
    expect(await call("get", { key: "j", as: "text" })).toMatchObject({
      body: '{"n":1}',
      bodyUsed: true,
      hasBody: true,
    });
    expect((await call("get", { key: "j", as: "json" })).body).toEqual({ n: 1 });
    expect((await call("get", { key: "j", as: "stream" })).body).toBe('{"n":1}');
    await call("putBytes", { key: "b", bytes: [1, 2, 3] });
    expect((await call("get", { key: "b", as: "arrayBuffer" })).body).toEqual([1, 2, 3]);
  });

  it("get and head of a missing key answer null (#bucket-method-definitions)", async () => {
    const { call } = await r2();
    expect(await call("get", { key: "none" })).toBeNull();
    expect(await call("head", { key: "none" })).toBeNull();
  });

  it("get with a range answers that part and the range; onlyIf that fails answers the object without a body (#ranged-reads, #conditional-operations)", async () => {
    const { call } = await r2();
    await call("put", { key: "r", value: "0123456789" });
    expect(await call("get", { key: "r", options: { range: { offset: 2, length: 3 } } })).toMatchObject({
      body: "234",
      range: { offset: 2, length: 3 },
    });
    expect((await call("get", { key: "r", options: { range: { suffix: 2 } } })).body).toBe("89");
    const etag = (await call("head", { key: "r" })).etag;
    expect(await call("get", { key: "r", options: { onlyIf: { etagDoesNotMatch: etag } } })).toMatchObject({
      key: "r",
      hasBody: false,
    });
    expect((await call("get", { key: "r", options: { onlyIf: { etagMatches: etag } } })).body).toBe("0123456789");
  });

  it("delete removes one key or many, missing ones included (#bucket-method-definitions)", async () => {
    const { call } = await r2();
    for (const key of ["a", "b", "c"]) await call("put", { key, value: key });
    expect(await call("del", { keys: "a" })).toEqual({});
    expect(await call("del", { keys: ["b", "missing"] })).toEqual({});
    expect((await call("list", {})).keys).toEqual(["c"]);
  });

  it("list: key order, prefix, delimiter groups, pages joined by cursor, metadata only with include (#r2listoptions)", async () => {
    const { call } = await r2();
    await call("put", { key: "t/acme/v1", value: "1", options: { customMetadata: { v: "1" } } });
    await call("put", { key: "t/acme/v2", value: "2" });
    await call("put", { key: "t/globex/v1", value: "3" });
    await call("put", { key: "readme", value: "4" });
    expect((await call("list", {})).keys).toEqual(["readme", "t/acme/v1", "t/acme/v2", "t/globex/v1"]);
    expect(await call("list", { prefix: "t/", delimiter: "/" })).toMatchObject({
      keys: [],
      delimitedPrefixes: ["t/acme/", "t/globex/"],
    });
    const first = await call("list", { prefix: "t/", limit: 2 });
    expect(first).toMatchObject({ keys: ["t/acme/v1", "t/acme/v2"], truncated: true });
    expect(await call("list", { prefix: "t/", limit: 2, cursor: first.cursor })).toMatchObject({
      keys: ["t/globex/v1"],
      truncated: false,
      cursor: null,
    });
    expect((await call("list", { prefix: "t/acme/v1" })).objects[0].customMetadata).toEqual({});
    expect(
      (await call("list", { prefix: "t/acme/v1", include: ["customMetadata"] })).objects[0].customMetadata,
    ).toEqual({
      v: "1",
    });
  });

  it("bad input: a value of the wrong type and a key over 1024 bytes, with the runtime's texts (#bucket-method-definitions)", async () => {
    const { call } = await r2();
    await expect(call("put", { key: "k", value: 5 })).rejects.toThrow(
      "TypeError: Failed to execute 'put' on 'R2Bucket': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'.",
    );
    await expect(call("put", { key: "k".repeat(1025), value: "x" })).rejects.toThrow(
      "put: The specified object name is not valid. (10020)",
    );
    await expect(call("multipart")).rejects.toThrow("R2 multipart uploads are not supported by the emulator");
  });

  it("a crash keeps the bucket's objects (durable vs memory)", async () => {
    const { call, emulator } = await r2();
    await call("put", { key: "k", value: "kept" });
    emulator.crash();
    expect((await call("get", { key: "k" })).body).toBe("kept");
    const bucket = await emulator.getR2Bucket("R2");
    expect(((await bucket.head("k")) as { size: number }).size).toBe(4);
  });
});
