/**
 * The calls the emulator-vs-miniflare agreement test (agreement.test.ts) makes on KV, R2 and Durable Objects: the
 * same module runs on both, and each call's result (or error name and message) is compared. What is nondeterministic
 * or implementation-specific (R2 versions, upload times, the runtime's class names, cursors' text) is shown by kind.
 */
import { DurableObject } from "cloudflare:workers";
// Times are shown relative to the worker's clock, so runs at different times (and in virtual time) compare.
const relExp = (page) => ({
  ...page,
  keys: page.keys.map((k) =>
    k.expiration === undefined
      ? k
      : { ...k, expiration: `now + ${Math.round((k.expiration - Date.now() / 1000) / 60)} min` },
  ),
});
export class Reminder extends DurableObject {
  async alarm() {}
  async roundTrip() {
    const at = Date.now() + 60000;
    await this.ctx.storage.setAlarm(at);
    const read = await this.ctx.storage.getAlarm();
    await this.ctx.storage.deleteAlarm();
    return [read === at, await this.ctx.storage.getAlarm()];
  }
}
export class Counter extends DurableObject {
  async fetch(_req) {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", n);
    return new Response(String(n));
  }
  async inc(by) {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + by;
    await this.ctx.storage.put("n", n);
    return n;
  }
  async dump() {
    const m = await this.ctx.storage.list();
    return [...m];
  }
  async alarmInfo() {
    return await this.ctx.storage.getAlarm();
  }
  async tryStuff() {
    const out = {};
    const t = async (k, f) => {
      try {
        const v = await f();
        out[k] = v === undefined ? "(undefined)" : v;
      } catch (e) {
        out[k] = `ERR ${e.name}: ${e.message.replace(/\b\d{10}\b/g, "<epoch seconds>")}`;
      }
    };
    await t("getMany", async () => [...(await this.ctx.storage.get(["a", "b"]))]);
    await t("putMany", async () => this.ctx.storage.put({ a: 1, b: 2 }));
    await t("getMany2", async () => [...(await this.ctx.storage.get(["a", "b", "c"]))]);
    await t("delMany", async () => this.ctx.storage.delete(["a", "c"]));
    await t("del1", async () => this.ctx.storage.delete("b"));
    await t("del1again", async () => this.ctx.storage.delete("b"));
    await t("listopts", async () => {
      await this.ctx.storage.put({ k1: 1, k2: 2, k3: 3, j: 4 });
      return [...(await this.ctx.storage.list({ prefix: "k", reverse: true, limit: 2 }))];
    });
    await t("listrange", async () => [...(await this.ctx.storage.list({ start: "j", end: "k2" }))]);
    await t("putundef", async () => this.ctx.storage.put("x", undefined));
    await t("getnonstr", async () => this.ctx.storage.get(1));
    await t("setAlarmPast", async () => {
      await this.ctx.storage.setAlarm(Date.now() + 60000);
      return typeof (await this.ctx.storage.getAlarm());
    });
    await t("delAlarm", async () => {
      await this.ctx.storage.deleteAlarm();
      return await this.ctx.storage.getAlarm();
    });
    await t("id", async () => [this.ctx.id.toString().length, this.ctx.id.name]);
    await t("deleteAll", async () => {
      await this.ctx.storage.deleteAll();
      return [...(await this.ctx.storage.list())];
    });
    return out;
  }
}
export default {
  async fetch(_req, env, ctx) {
    const out = {};
    const t = async (k, f) => {
      try {
        const v = await f();
        out[k] = v === undefined ? "(undefined)" : v;
      } catch (e) {
        out[k] = `ERR ${e.name}: ${e.message.replace(/\b\d{10}\b/g, "<epoch seconds>")}`;
      }
    };
    const kv = env.KV;
    await t("put", () => kv.put("a", "hello"));
    await t("get", () => kv.get("a"));
    await t("getjson-bad", () => kv.get("a", "json"));
    await t("getab", async () => [...new Uint8Array(await kv.get("a", "arrayBuffer"))]);
    await t("getstream", async () => await new Response(await kv.get("a", "stream")).text());
    await t("getobj", () => kv.get("a", { type: "text", cacheTtl: 60 }));
    await t("getbadtype", () => kv.get("a", "blob"));
    await t("getmissing", () => kv.get("nope"));
    await t("getmissingmeta", () => kv.getWithMetadata("nope"));
    await t("putmeta", () => kv.put("b", JSON.stringify({ x: 1 }), { metadata: { m: 2 } }));
    await t("getmeta", () => kv.getWithMetadata("b", "json"));
    await t("putexp-low", () => kv.put("c", "x", { expirationTtl: 30 }));
    await t("putexp-past", () => kv.put("c", "x", { expiration: 1000 }));
    await t("putexp-nan", () => kv.put("c", "x", { expirationTtl: "abc" }));
    await t("putexp-ok", () => kv.put("c", "x", { expirationTtl: 120, metadata: "s" }));
    await t("putempty", () => kv.put("", "x"));
    await t("putdot", () => kv.put(".", "x"));
    await t("putlong", () => kv.put("k".repeat(513), "x"));
    await t("getlong", () => kv.get("k".repeat(513)));
    await t("putnum", () => kv.put("n", 12));
    await t("putab", () => kv.put("ab", new Uint8Array([1, 2, 3])));
    await t("getab2", async () => [...new Uint8Array(await kv.get("ab", "arrayBuffer"))]);
    await t("list", async () => relExp(await kv.list()));
    await t("listprefix", async () => await kv.list({ prefix: "a" }));
    await t("listlimit", async () => {
      const l = await kv.list({ limit: 2 });
      const l2 = await kv.list({ limit: 2, cursor: l.cursor });
      return [
        l.keys.map((k) => k.name),
        l.list_complete,
        typeof l.cursor,
        l2.keys.map((k) => k.name),
        l2.list_complete,
        typeof l2.cursor,
      ];
    });
    await t("listlimit0", async () => relExp(await kv.list({ limit: 0 })));
    await t("listlimitbig", () => kv.list({ limit: 1001 }));
    await t("del", () => kv.delete("a"));
    await t("delmissing", () => kv.delete("zzz"));
    await t("getafterdel", () => kv.get("a"));
    await t("bigmeta", () => kv.put("bm", "x", { metadata: { s: "x".repeat(1100) } }));
    await t("bulkget", async () => {
      const m = await kv.get(["b", "nope"]);
      return [...m];
    });
    const r2 = env.R2;
    await t("r2put", async () => {
      const o = await r2.put("x/y.txt", "hello r2", {
        httpMetadata: { contentType: "text/plain" },
        customMetadata: { a: "1" },
      });
      return {
        key: o.key,
        size: o.size,
        etag: o.etag,
        httpEtag: o.httpEtag,
        ver: typeof o.version,
        hm: o.httpMetadata,
        cm: o.customMetadata,
        up: o.uploaded instanceof Date,
        md5: o.checksums.toJSON().md5,
      };
    });
    await t("r2get", async () => {
      const o = await r2.get("x/y.txt");
      return { body: "body" in o, text: await o.text(), used: o.bodyUsed, hm: o.httpMetadata, cm: o.customMetadata };
    });
    await t("r2getjson", async () => {
      await r2.put("j", JSON.stringify({ a: 1 }));
      const o = await r2.get("j");
      return await o.json();
    });
    await t("r2getab", async () => {
      const o = await r2.get("j");
      return (await o.arrayBuffer()).byteLength;
    });
    await t("r2head", async () => {
      const o = await r2.head("x/y.txt");
      return { key: o.key, size: o.size, body: "body" in o };
    });
    await t("r2headmissing", () => r2.head("none"));
    await t("r2getmissing", () => r2.get("none"));
    await t("r2list", async () => {
      const l = await r2.list();
      return { keys: l.objects.map((o) => o.key), trunc: l.truncated, dp: l.delimitedPrefixes, cursor: l.cursor };
    });
    await t("r2listdelim", async () => {
      const l = await r2.list({ delimiter: "/" });
      return { keys: l.objects.map((o) => o.key), dp: l.delimitedPrefixes };
    });
    await t("r2listlimit", async () => {
      const l = await r2.list({ limit: 1 });
      const l2 = await r2.list({ limit: 1, cursor: l.cursor });
      return {
        k: l.objects.map((o) => o.key),
        t: l.truncated,
        c: typeof l.cursor,
        k2: l2.objects.map((o) => o.key),
        t2: l2.truncated,
      };
    });
    await t("r2listprefix", async () =>
      (await r2.list({ prefix: "x/" })).objects.map((o) => [o.key, o.httpMetadata, o.customMetadata]),
    );
    await t("r2listinclude", async () =>
      (await r2.list({ include: ["httpMetadata", "customMetadata"] })).objects.map((o) => [
        o.key,
        o.httpMetadata,
        o.customMetadata,
      ]),
    );
    await t("r2del", () => r2.delete("j"));
    await t("r2delmany", () => r2.delete(["x/y.txt", "none"]));
    await t("r2listafter", async () => (await r2.list()).objects.length);
    await t("r2putab", async () => (await r2.put("b", new Uint8Array([1, 2]))).size);
    await t("r2putnull", async () => (await r2.put("n", null)).size);
    await t("r2putnum", async () => (await r2.put("n", 5)).size);
    await t("r2keylong", () => r2.put("k".repeat(1025), "x"));
    await t("r2getrange", async () => {
      await r2.put("r", "0123456789");
      const o = await r2.get("r", { range: { offset: 2, length: 3 } });
      return [await o.text(), o.range];
    });
    await t("r2onlyif", async () => {
      const o = await r2.get("r", { onlyIf: { etagDoesNotMatch: (await r2.head("r")).etag } });
      return [o.key, "body" in o];
    });
    const ns = env.COUNTER;
    await t("do-idFromName", () => {
      const id = ns.idFromName("a");
      return [
        id.toString().length,
        id.name,
        id.equals(ns.idFromName("a")),
        id.toString() === ns.idFromName("a").toString(),
      ];
    });
    await t("do-newUnique", () => {
      const id = ns.newUniqueId();
      return [id.toString().length, id.name];
    });
    await t("do-idFromStringbad", () => ns.idFromString("abc"));
    await t("do-idFromString", () => {
      const id = ns.idFromName("a");
      const id2 = ns.idFromString(id.toString());
      return [id2.equals(id), id2.name];
    });
    await t("do-fetch", async () => {
      const s = ns.get(ns.idFromName("a"));
      return [await (await s.fetch("http://x/")).text(), await (await s.fetch("http://x/")).text()];
    });
    await t("do-rpc", async () => {
      const s = ns.getByName("a");
      return await s.inc(5);
    });
    await t("do-stubid", async () => {
      const s = ns.getByName("a");
      return [s.id.name, s.name, typeof s.id.toString()];
    });
    await t("do-dump", async () => await ns.getByName("a").dump());
    await t("do-missing", async () => await ns.getByName("a").nope());
    await t("do-stuff", async () => await ns.getByName("b").tryStuff());
    await t("do-exports", async () => typeof ctx.exports?.Counter?.getByName);
    await t("do-alarm", async () => await env.REMINDER.getByName("r").roundTrip());
    await t("kv-ttl", async () => {
      await kv.put("ttl", "x", { expirationTtl: 3600 });
      return relExp(await kv.list({ prefix: "ttl" }));
    });
    await t("kv-exp-soon", () => kv.put("soon", "x", { expiration: Math.floor(Date.now() / 1000) + 10 }));
    await t("kv-listlimit-neg", async () => relExp(await kv.list({ limit: -1 })));
    await t("r2delim-page", async () => {
      for (const k of ["p/a/1", "p/a/2", "p/b/1", "p/c"]) await r2.put(k, k);
      const l = await r2.list({ prefix: "p/", delimiter: "/", limit: 2 });
      const l2 = await r2.list({ prefix: "p/", delimiter: "/", limit: 2, cursor: l.cursor });
      return [
        l.objects.map((o) => o.key),
        l.delimitedPrefixes,
        l.truncated,
        l2.objects.map((o) => o.key),
        l2.delimitedPrefixes,
        l2.truncated,
      ];
    });
    await t("r2suffix", async () => {
      const o = await r2.get("r", { range: { suffix: 3 } });
      return [await o.text(), o.range];
    });
    await t("r2headers", async () => {
      const h = new Headers();
      (
        (await r2.head("x-meta")) ??
        (await r2.put("x-meta", "m", { httpMetadata: { contentType: "text/csv", cacheControl: "no-store" } }))
      ).writeHttpMetadata(h);
      return [...h];
    });
    return Response.json(out);
  },
};
