/**
 * Isolates (realms): what one worker's code can and cannot see of another's, and the time it sees.
 * Isolation here means separate globals and module state, not a security boundary (vm is not one; see the notes).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { probeTenant } from "../../../contract/tenant-registry.ts";
import { startPlain } from "../../support/plain.ts";
import { startLoaderDispatcher, value } from "../../support/loader-dispatcher.ts";
import { ReferenceRun } from "../../support/reference.ts";

/** A tenant that reports its globals, its clock and its timers. */
const ISO = `
  let moduleCounter = 0;
  export default {
    async fetch(request) {
      const url = new URL(request.url);
      const q = Object.fromEntries(url.searchParams);
      switch (url.pathname) {
        case "/count":
          return Response.json({ moduleCounter: ++moduleCounter });
        case "/globals":
          return Response.json({
            dispatcherOnly: typeof globalThis.dispatcherOnly,
            getCodeCalls: typeof globalThis.getCodeCalls,
            LOADER: typeof globalThis.LOADER,
            routes: typeof globalThis.routes,
          });
        case "/pollute":
          Object.prototype.polluted = "yes";
          Array.prototype.extra = function () { return "extra"; };
          globalThis.JSON.marker = "tenant";
          return Response.json({ polluted: ({}).polluted, extra: typeof [].extra });
        case "/polluted":
          return Response.json({ polluted: ({}).polluted ?? null, extra: typeof [].extra, marker: JSON.marker ?? null });
        case "/time":
          return Response.json({
            now: Date.now(),
            constructed: new Date().getTime(),
            string: Date(),
            perf: performance.now(),
            explicit: new Date(0).getTime(),
            parsed: Date.parse("2026-01-01T00:00:00Z"),
            isDate: new Date() instanceof Date,
          });
        case "/wait": {
          const start = Date.now();
          await new Promise((resolve) => setTimeout(resolve, Number(q.ms)));
          return Response.json({ waited: Date.now() - start });
        }
        case "/timerArgs": {
          const value = await new Promise((resolve) => setTimeout((a, b) => resolve(a + b), 10, 40, 2));
          return Response.json({ value });
        }
        case "/clear": {
          const fired = [];
          const cancelled = setTimeout(() => fired.push("cancelled"), 100);
          clearTimeout(cancelled);
          await new Promise((resolve) => setTimeout(() => { fired.push("kept"); resolve(); }, 200));
          await new Promise((resolve) => setTimeout(resolve, 100));
          return Response.json({ fired });
        }
        case "/interval": {
          const start = Date.now();
          const ticks = [];
          await new Promise((resolve) => {
            const id = setInterval(() => {
              ticks.push(Date.now() - start);
              if (ticks.length === 3) { clearInterval(id); resolve(); }
            }, 1000);
          });
          return Response.json({ ticks });
        }
        case "/clone": {
          const source = { m: new Map([["k", { v: 1 }]]), d: new Date(5), list: [1, 2], bytes: new Uint16Array([7, 8]) };
          source.self = source;
          const copy = structuredClone(source);
          let fnError = null;
          try { structuredClone({ f() {} }); } catch (e) { fnError = { name: e.name, isError: e instanceof Error }; }
          return Response.json({
            type: typeof structuredClone,
            distinct: copy !== source && copy.m !== source.m,
            mapOk: copy.m instanceof Map && copy.m.get("k").v === 1,
            dateOk: copy.d instanceof Date && copy.d.getTime() === 5,
            arrayOk: Array.isArray(copy.list) && copy.list instanceof Array,
            bytesOk: copy.bytes instanceof Uint16Array && copy.bytes[1] === 8,
            cycleOk: copy.self === copy,
            objectOk: copy instanceof Object,
            fnError,
          });
        }
      }
      return new Response("not found", { status: 404 });
    },
  };
`;

const PROBE_MODULES = {
  acme: probeTenant("acme").modules,
  globex: probeTenant("globex").modules,
};

const DISPATCHER_PRELUDE = `
  const PROBE_MODULES = ${JSON.stringify(PROBE_MODULES)};
  globalThis.dispatcherOnly = "dispatcher secret";
  globalThis.__probeGlobal = "dispatcher value"; // the very global the probe tenant reports
  Object.prototype.dispatcherPollution = "from dispatcher";
  function probe(env, id, tenant) {
    return env.LOADER.get(id, () => ({ compatibilityDate: "2026-01-01", mainModule: "index.js", modules: PROBE_MODULES[tenant] }));
  }
  async function json(response) { return response.json(); }
`;

const DISPATCHER_ROUTES = `
  async iso(env, q) {
    const stub = env.LOADER.get(q.id, () => code("iso"));
    return json(await stub.getEntrypoint().fetch("http://tenant" + q.path));
  },
  async probeGet(env, q) {
    return json(await probe(env, q.id, q.tenant).getEntrypoint().fetch("http://tenant/state"));
  },
  async probeSet(env, q) {
    const request = new Request("http://tenant/state", { method: "POST", body: JSON.stringify({ value: q.value }) });
    return json(await probe(env, q.id, q.tenant).getEntrypoint().fetch(request));
  },
  async dispatcherView() {
    return { probeGlobal: globalThis.__probeGlobal, polluted: ({}).polluted ?? null, marker: JSON.marker ?? null };
  },
`;

let emulator: Emulator | undefined;
let run: ReferenceRun | undefined;
afterEach(async () => {
  await emulator?.dispose();
  await run?.emulator.dispose();
  emulator = undefined;
  run = undefined;
});

async function start(options: Parameters<typeof startLoaderDispatcher>[0]["options"] = {}) {
  emulator = await startLoaderDispatcher({
    sources: { iso: ISO },
    prelude: DISPATCHER_PRELUDE,
    routes: DISPATCHER_ROUTES,
    options,
  });
  return emulator;
}

function path(route: string, params: Record<string, string>): string {
  return `${route}?${new URLSearchParams(params)}`;
}

describe("tenants share no globals and no module state", () => {
  it("WL-03 a global set in one tenant's isolate (probe POST /state) is absent in another tenant's", async () => {
    run = await ReferenceRun.start(["acme", "globex"]);
    expect((await run.request("acme", "/state", { method: "POST", body: { value: "acme-secret" } })).body).toEqual({
      ok: true,
      isolate: expect.stringMatching(/^acme\//),
    });
    expect((await run.request("acme", "/state")).body.global).toBe("acme-secret");
    expect((await run.request("globex", "/state")).body.global).toBeNull();
    await run.request("globex", "/state", { method: "POST", body: { value: "globex-secret" } });
    expect((await run.request("acme", "/state")).body.global).toBe("acme-secret");
    expect((await run.request("globex", "/state")).body.global).toBe("globex-secret");
  });

  it("WL-03 module state is per tenant isolate: request counters and isolate ids are not shared", async () => {
    run = await ReferenceRun.start(["acme", "globex"]);
    await run.request("acme", "/state");
    await run.request("acme", "/state");
    const acme = (await run.request("acme", "/state")).body;
    const globex = (await run.request("globex", "/state")).body;
    expect(acme).toMatchObject({ tenant: "acme", requestsSeen: 3 });
    expect(globex).toMatchObject({ tenant: "globex", requestsSeen: 1 });
    expect(acme.isolate.startsWith("acme/")).toBe(true);
    expect(globex.isolate.startsWith("globex/")).toBe(true);
  });

  it("WL-03 two ids running the same code are isolated from each other too", async () => {
    const em = await start();
    await value(em, path("probeSet", { id: "one", tenant: "acme", value: "only in one" }));
    const one = await value(em, path("probeGet", { id: "one", tenant: "acme" }));
    const two = await value(em, path("probeGet", { id: "two", tenant: "acme" }));
    expect(one.global).toBe("only in one");
    expect(two.global).toBeNull();
    expect(one.isolate).not.toBe(two.isolate);
    expect(one.requestsSeen).toBe(2);
    expect(two.requestsSeen).toBe(1);
    expect((await value(em, path("iso", { id: "c1", path: "/count" }))).moduleCounter).toBe(1);
    expect((await value(em, path("iso", { id: "c1", path: "/count" }))).moduleCounter).toBe(2);
    expect((await value(em, path("iso", { id: "c2", path: "/count" }))).moduleCounter).toBe(1);
  });

  it("the dispatcher's globals are not visible to tenants, and a tenant's globals do not leak into the dispatcher", async () => {
    const em = await start();
    expect(await value(em, path("iso", { id: "g", path: "/globals" }))).toEqual({
      dispatcherOnly: "undefined",
      getCodeCalls: "undefined",
      LOADER: "undefined",
      routes: "undefined",
    });
    // the probe reads globalThis.__probeGlobal, which the dispatcher set to "dispatcher value"
    expect((await value(em, path("probeGet", { id: "p", tenant: "acme" }))).global).toBeNull();
    await value(em, path("probeSet", { id: "p", tenant: "acme", value: "tenant value" }));
    expect((await value(em, path("probeGet", { id: "p", tenant: "acme" }))).global).toBe("tenant value");
    expect((await value(em, "dispatcherView")).probeGlobal).toBe("dispatcher value");
  });

  it("built-in prototypes are per isolate: a tenant polluting Object.prototype affects nobody else", async () => {
    const em = await start();
    expect(await value(em, path("iso", { id: "bad", path: "/pollute" }))).toEqual({
      polluted: "yes",
      extra: "function",
    });
    expect(await value(em, path("iso", { id: "bad", path: "/polluted" }))).toEqual({
      polluted: "yes",
      extra: "function",
      marker: "tenant",
    });
    expect(await value(em, path("iso", { id: "good", path: "/polluted" }))).toEqual({
      polluted: null,
      extra: "undefined",
      marker: null,
    });
    expect(await value(em, "dispatcherView")).toMatchObject({ polluted: null, marker: null });
    // and the dispatcher's own pollution does not reach tenants
    const view = await value(em, path("iso", { id: "good", path: "/polluted" }));
    expect(view.polluted).toBeNull();
  });
});

describe("virtual time inside isolates", () => {
  it("Date.now(), new Date(), Date() and performance.now() read the emulator's virtual clock", async () => {
    const em = await start();
    const t0 = em.time.now();
    expect(t0).toBe(Date.UTC(2026, 0, 1));
    const first = await value(em, path("iso", { id: "t", path: "/time" }));
    expect(first).toEqual({
      now: t0,
      constructed: t0,
      string: new Date(t0).toString(),
      perf: expect.any(Number),
      explicit: 0,
      parsed: Date.UTC(2026, 0, 1),
      isDate: true,
    });
    await em.time.advance(3_600_000);
    const second = await value(em, path("iso", { id: "t", path: "/time" }));
    expect(second.now - first.now).toBe(3_600_000);
    expect(second.constructed - first.constructed).toBe(3_600_000);
    expect(second.perf - first.perf).toBe(3_600_000);
    expect(second.now).toBe(em.time.now());
  });

  it("the startTime option sets the isolate's clock", async () => {
    const start2030 = Date.UTC(2030, 5, 15, 12, 0, 0);
    const em = await start({ startTime: start2030 });
    expect((await value(em, path("iso", { id: "t", path: "/time" }))).now).toBe(start2030);
  });

  it("WF-08 / D-RULES a 30-day step.sleep moves Date.now() inside the workflow's isolate by exactly 30 days", async () => {
    const plain = await startPlain(`
      const before = await step.do("before", async () => Date.now());
      await step.sleep("a month", "30 days");
      const after = await step.do("after", async () => Date.now());
      return { before, after };
    `);
    emulator = plain.emulator;
    const instance = await plain.workflows.create({ id: "clock" });
    await plain.emulator.runUntilIdle();
    const status = await instance.status();
    expect(status.status).toBe("complete");
    expect(status.output.after - status.output.before).toBe(30 * 86_400_000);
    expect(status.output.before).toBe(Date.UTC(2026, 0, 1));
  });

  it("setTimeout inside an isolate is virtual: it fires exactly when virtual time reaches it", async () => {
    const em = await start();
    let done = false;
    const request = value(em, path("iso", { id: "w", path: "/wait?ms=60000" })).then((result) => {
      done = true;
      return result;
    });
    await em.time.advance(59_999);
    expect(done).toBe(false);
    await em.time.advance(1);
    expect(await request).toEqual({ waited: 60_000 });
    expect(em.time.now()).toBe(Date.UTC(2026, 0, 1) + 60_000);
  });

  it("setTimeout passes extra arguments; clearTimeout cancels; setInterval repeats on virtual time", async () => {
    const em = await start();
    const args = value(em, path("iso", { id: "w", path: "/timerArgs" }));
    await em.time.advance(10);
    expect(await args).toEqual({ value: 42 });

    const cleared = value(em, path("iso", { id: "w", path: "/clear" }));
    await em.time.advance(300);
    expect(await cleared).toEqual({ fired: ["kept"] });

    const interval = value(em, path("iso", { id: "w", path: "/interval" }));
    await em.time.advance(3000);
    expect(await interval).toEqual({ ticks: [1000, 2000, 3000] });
  });
});

describe("structuredClone inside isolates", () => {
  it("structuredClone exists and clones into the isolate's own realm (Map, Date, arrays, typed arrays, cycles)", async () => {
    const em = await start();
    expect(await value(em, path("iso", { id: "c", path: "/clone" }))).toEqual({
      type: "function",
      distinct: true,
      mapOk: true,
      dateOk: true,
      arrayOk: true,
      bytesOk: true,
      cycleOk: true,
      objectOk: true,
      fnError: { name: "DataCloneError", isError: expect.any(Boolean) },
    });
  });
});
