/**
 * The Worker Loader (spec §B, WL-xx) driven from a dispatcher script, as a real dispatcher uses it:
 * `env.LOADER.get(id, getCode)` / `env.LOADER.load(code)`, then `stub.getEntrypoint(name?, {props})`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { loaderOf } from "../../../emulator/testing.ts";
import { call, failure, startLoaderDispatcher, value } from "../../support/loader-dispatcher.ts";
import { ReferenceRun } from "../../support/reference.ts";

/** A tenant with module state: `hits` counts requests and RPC calls served by this isolate. */
const COUNTER = `
  import { WorkerEntrypoint } from "cloudflare:workers";
  let hits = 0;
  export default {
    async fetch(request, env, ctx) {
      hits++;
      const url = new URL(request.url);
      if (url.pathname === "/slow") await new Promise((resolve) => setTimeout(resolve, 1000));
      return Response.json({ hits, entrypoint: "default", props: ctx.props });
    },
  };
  export class Named extends WorkerEntrypoint {
    whoami() { return { hits: ++hits, entrypoint: "Named", props: this.ctx.props }; }
  }
`;

/** A tenant that reports what it sees in `env`, and what a global fetch() does. */
const ENV_PROBE = `
  import { WorkerEntrypoint, env as importedEnv } from "cloudflare:workers";
  export default {
    async fetch(request, env) {
      return Response.json({
        keys: Object.keys(env).sort(),
        importedIsEnv: importedEnv === env,
        data: env.DATA ?? null,
        dataIsObject: env.DATA instanceof Object,
        listIsArray: Array.isArray(env.DATA?.list) && env.DATA.list instanceof Array,
        whenIsDate: env.WHEN instanceof Date,
        when: env.WHEN instanceof Date ? env.WHEN.getTime() : null,
      });
    },
  };
  export class Caller extends WorkerEntrypoint {
    async callService(x) { return this.env.SVC.ping(x); }
    async outbound() {
      try {
        const response = await fetch("https://example.com/from-child");
        return { blocked: false, status: response.status, text: await response.text() };
      } catch (error) {
        return { blocked: true, name: error.name, message: error.message };
      }
    }
  }
`;

const TOP_LEVEL_THROW = `
  throw new RangeError("tenant config is missing: TENANT_KEY");
  export default { fetch() { return new Response("unreachable"); } };
`;

const NO_DEFAULT = `
  import { WorkerEntrypoint } from "cloudflare:workers";
  export class OnlyNamed extends WorkerEntrypoint { hi() { return "hi"; } }
`;

/** Dispatcher helpers shared by the tests below. */
const PRELUDE = `
  async function hit(stub, path = "", name, options) {
    const response = await stub.getEntrypoint(name, options).fetch("http://tenant/" + path);
    return response.json();
  }
  function getCounter(env, id) {
    return env.LOADER.get(id, counted(id, () => code("counter")));
  }
  class TenantMissing extends Error {
    constructor(message) { super(message); this.name = "TenantMissing"; }
  }
  export class Svc extends WorkerEntrypoint {
    ping(x) { return { pong: x, props: this.ctx.props }; }
  }
  class Thing extends RpcTarget { get x() { return 1; } }
`;

const ROUTES = `
  async hit(env, q) { return hit(getCounter(env, q.id), q.path ?? ""); },
  async named(env, q) {
    return getCounter(env, q.id).getEntrypoint("Named", { props: { tenant: q.id } }).whoami();
  },
  async anonymous(env, q) {
    const id = q.id === "null" ? null : undefined;
    const first = await hit(env.LOADER.get(id, counted("anon", () => code("counter"))));
    const second = await hit(env.LOADER.get(id, counted("anon", () => code("counter"))));
    return [first.hits, second.hits];
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

async function start(extraRoutes = "", options: Parameters<typeof startLoaderDispatcher>[0]["options"] = {}) {
  emulator = await startLoaderDispatcher({
    sources: { counter: COUNTER, env: ENV_PROBE, throws: TOP_LEVEL_THROW, noDefault: NO_DEFAULT },
    prelude: PRELUDE,
    routes: ROUTES + extraRoutes,
    options,
  });
  return emulator;
}

/** Starts a request without awaiting it, so the test can move time or evict while it runs. */
function pending<T>(promise: Promise<T>) {
  const state: { done: boolean; result?: T } = { done: false };
  const settled = promise.then((result) => {
    state.done = true;
    state.result = result;
    return result;
  });
  return { state, settled };
}

describe("WL-02 get() returns a stub at once; requests wait for the load", () => {
  it("WL-02 get() returns a stub synchronously: not a promise, getEntrypoint is callable", async () => {
    const em = await start(`
      async sync(env) {
        const stub = env.LOADER.get("a", counted("a", () => code("counter")));
        return { then: typeof stub.then, isPromise: stub instanceof Promise, getEntrypoint: typeof stub.getEntrypoint };
      },
    `);
    expect(await value(em, "sync")).toEqual({ then: "undefined", isPromise: false, getEntrypoint: "function" });
  });

  it("WL-02 a request made while getCode is still running waits until the worker has loaded", async () => {
    const em = await start(`
      async slowLoad(env) {
        const stub = env.LOADER.get("slow", counted("slow", async () => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          return code("counter");
        }));
        return hit(stub);
      },
    `);
    const request = pending(call(em, "slowLoad"));
    await em.time.advance(499);
    expect(request.state.done).toBe(false);
    await em.time.advance(1);
    expect(await request.settled).toEqual({ ok: true, value: { hits: 1, entrypoint: "default", props: {} } });
  });

  it.each(["production", "local"] as const)(
    "WL-02 a failing load rejects each request made on the stub with the error (%s)",
    async (profile) => {
      const em = await start(
        `
        async badStub(env) {
          const stub = env.LOADER.get("bad", counted("bad", () => ({
            compatibilityDate: "2026-01-01", mainModule: "index.ts", modules: { "index.ts": "export default {}" },
          })));
          const errors = [];
          for (let i = 0; i < 3; i++) {
            try { await hit(stub); errors.push("no error"); } catch (e) { errors.push(describeError(e)); }
          }
          return errors;
        },
      `,
        { profile },
      );
      const errors = await value<Array<{ name: string; message: string }>>(em, "badStub");
      expect(errors).toHaveLength(3);
      for (const error of errors) {
        expect(error).toMatchObject({
          name: "TypeError",
          message: expect.stringContaining("Module name must end with '.js' or '.py'"),
        });
      }
    },
  );
});

describe("WL-03 one isolate per id", () => {
  it("WL-03 the same id reuses the isolate: module state is shared and getCode is not called again", async () => {
    const em = await start();
    expect((await value(em, "hit?id=a")).hits).toBe(1);
    expect((await value(em, "hit?id=a")).hits).toBe(2);
    expect((await value(em, "named?id=a")).hits).toBe(3);
    expect(await value(em, "getCodeCalls")).toEqual({ a: 1 });
    const gets = em.trace().filter((e) => e.type === "loader.get" && e.id === "a");
    expect(gets.map((e) => e.type === "loader.get" && e.getCodeRan)).toEqual([true, false, false]);
  });

  it("WL-03 different ids get different isolates with their own module state", async () => {
    const em = await start();
    await value(em, "hit?id=a");
    await value(em, "hit?id=a");
    expect((await value(em, "hit?id=b")).hits).toBe(1);
    expect((await value(em, "hit?id=a")).hits).toBe(3);
    expect(await value(em, "getCodeCalls")).toEqual({ a: 1, b: 1 });
    const isolates = em.trace().flatMap((e) => (e.type === "loader.getCode" ? [e.isolate] : []));
    expect(new Set(isolates).size).toBe(2);
  });

  it.each(["null", "undefined"])("WL-03 a %s id gives a fresh isolate on every get()", async (id) => {
    const em = await start();
    expect(await value(em, `anonymous?id=${id}`)).toEqual([1, 1]);
    expect(await value(em, "getCodeCalls")).toEqual({ anon: 2 });
  });

  it("WL-06 getCode starts as soon as get() is called, before any request", async () => {
    const em = await start(`
      async eager(env) {
        env.LOADER.get("eager", counted("eager", () => code("counter")));
        await Promise.resolve();
        return globalThis.getCodeCalls.eager ?? 0;
      },
    `);
    expect(await value(em, "eager")).toBe(1);
  });
});

describe("WL-04 / WL-21 eviction", () => {
  it("WL-04 after evict([id]) the next request calls getCode again and module state is fresh", async () => {
    const em = await start();
    await value(em, "hit?id=a");
    await value(em, "hit?id=a");
    await value(em, "hit?id=b");
    expect(em.evict(["a"])).toEqual(["a"]);
    expect((await value(em, "hit?id=a")).hits).toBe(1);
    expect((await value(em, "hit?id=b")).hits).toBe(2); // b was not evicted
    expect(await value(em, "getCodeCalls")).toEqual({ a: 2, b: 1 });
    expect(em.evict(["not-cached"])).toEqual([]);
  });

  it("WL-21 a stub held across an eviction re-creates the isolate on its next request", async () => {
    const em = await start(`
      async held(env) {
        globalThis.held ??= getCounter(env, "held");
        return (await hit(globalThis.held)).hits;
      },
    `);
    expect(await value(em, "held")).toBe(1);
    expect(await value(em, "held")).toBe(2);
    em.evict(["held"]);
    expect(await value(em, "held")).toBe(1);
    expect(await value(em, "getCodeCalls")).toEqual({ held: 2 });
  });

  it("WL-21 an evicted isolate still finishes a call already running in it", async () => {
    const em = await start();
    await value(em, "hit?id=a"); // hits = 1
    const slow = pending(call(em, "hit?id=a&path=slow")); // hits = 2, then waits 1 s
    await em.time.advance(10);
    expect(em.evict(["a"])).toEqual(["a"]);
    expect(slow.state.done).toBe(false);
    await em.time.advance(990);
    expect(await slow.settled).toEqual({ ok: true, value: { hits: 2, entrypoint: "default", props: {} } });
    // the next request runs in a new isolate
    expect((await value(em, "hit?id=a")).hits).toBe(1);
    expect(await value(em, "getCodeCalls")).toEqual({ a: 2 });
  });
});

describe("WL-05 load() never caches", () => {
  it("WL-05 two load() calls with the same code give two isolates", async () => {
    const em = await start(`
      async loadTwice(env) {
        const first = env.LOADER.load(code("counter"));
        const a1 = (await hit(first)).hits;
        const a2 = (await hit(first)).hits;
        const second = env.LOADER.load(code("counter"));
        const b1 = (await hit(second)).hits;
        return [a1, a2, b1];
      },
    `);
    const [a1, a2, b1] = await value<number[]>(em, "loadTwice");
    expect(a1).toBe(1);
    expect(a2).toBeGreaterThanOrEqual(1);
    expect(b1).toBe(1);
    expect(loaderOf(em, "LOADER").cachedIds()).toEqual([]);
  });

  it.each([
    [
      "empty modules",
      `{ compatibilityDate: "2026-01-01", mainModule: "index.js", modules: {} }`,
      "TypeError",
      "Dynamic Worker code must contain at least one module.",
    ],
    [
      "a .ts module",
      `{ compatibilityDate: "2026-01-01", mainModule: "index.ts", modules: { "index.ts": "export default {}" } }`,
      "TypeError",
      "Module name must end with '.js' or '.py' (or the content must be an object indicating the type explicitly). Got: index.ts. If you're trying to load TypeScript, bundle it first with '@cloudflare/worker-bundler' and pass the generated JavaScript modules.",
    ],
    [
      "a module with two type keys",
      `{ compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": { js: "export default {}", text: "x" } } }`,
      "TypeError",
      "Each module must contain exactly one of 'js', 'cjs', 'text', 'data', 'json', 'py', or 'wasm'. Module 'index.js' contained 2 properties.",
    ],
  ])("WL-05 load() throws validation errors synchronously: %s", async (_label, codeLiteral, name, message) => {
    const em = await start(`
      async loadBad(env) {
        let stub;
        try {
          stub = env.LOADER.load(${codeLiteral});
        } catch (e) {
          return { sync: true, ...describeError(e) };
        }
        try { await hit(stub); return { sync: false, error: null }; } catch (e) { return { sync: false, ...describeError(e) }; }
      },
    `);
    expect(await value(em, "loadBad")).toMatchObject({ sync: true, name, message });
  });
});

describe("WL-06 getCode failures", () => {
  it.each(["production", "local"] as const)(
    "WL-06 a getCode that throws rejects every request with that error, as Error '<name>: <message>' at compat 2026-01-01 (%s)",
    async (profile) => {
      const em = await start(
        `
        async missing(env) {
          const stub = env.LOADER.get("missing", counted("missing", () => { throw new TenantMissing("no code for tenant missing"); }));
          try { await hit(stub); return "no error"; } catch (e) { return describeError(e); }
        },
      `,
        { profile },
      );
      // The dispatcher (compat 2026-01-01, no enhanced_error_serialization) serialises getCode's error: the custom
      // name survives only as a message prefix. Same shape on local workerd (miniflare 4.20260730.0).
      for (let i = 0; i < 3; i++) {
        expect(await value(em, "missing")).toMatchObject({
          name: "Error",
          message: "TenantMissing: no code for tenant missing",
        });
      }
    },
  );

  const FLAKY = `
    async flaky(env) {
      const stub = env.LOADER.get("flaky", counted("flaky", () => {
        if (globalThis.getCodeCalls.flaky === 1) throw new Error("registry unavailable");
        return code("counter");
      }));
      return hit(stub);
    },
  `;

  it("WL-06 production profile: a failed named load is not cached; the next get() runs getCode again", async () => {
    const em = await start(FLAKY, { profile: "production" });
    expect(await failure(em, "flaky")).toMatchObject({ name: "Error", message: "registry unavailable" });
    expect(await value(em, "flaky")).toMatchObject({ hits: 1 });
    expect(await value(em, "flaky")).toMatchObject({ hits: 2 });
    expect(await value(em, "getCodeCalls")).toEqual({ flaky: 2 });
  });

  it("WL-06 local profile: a failed named load stays cached; later get() calls reject without running getCode", async () => {
    const em = await start(FLAKY, { profile: "local" });
    for (let i = 0; i < 3; i++) {
      expect(await failure(em, "flaky")).toMatchObject({ name: "Error", message: "registry unavailable" });
    }
    expect(await value(em, "getCodeCalls")).toEqual({ flaky: 1 });
  });

  it.each([
    ["production", [false, true], 1],
    ["local", [false, false], 0],
  ] as const)(
    "WL-06 an injected loader failure (failLoader) follows the %s profile",
    async (profile, oks, codeRuns) => {
      const em = await start("", { profile });
      em.failLoader(1, "Injected Worker Loader failure", "x");
      const first = await call(em, "hit?id=x");
      const second = await call(em, "hit?id=x");
      expect([first.ok, second.ok]).toEqual(oks);
      expect(first.error?.message).toBe("Injected Worker Loader failure");
      expect(((await value(em, "getCodeCalls")) as Record<string, number>).x ?? 0).toBe(codeRuns);
      expect(em.trace().some((e) => e.type === "fault" && e.kind === "loaderFailure")).toBe(true);
    },
  );
});

describe("WL-07..WL-11 WorkerCode validation through get()", () => {
  const BAD_CODE_ROUTE = `
    async badGet(env, q) {
      const codes = {
        ts: { compatibilityDate: "2026-01-01", mainModule: "index.ts", modules: { "index.ts": "export default {}" } },
        mjs: { compatibilityDate: "2026-01-01", mainModule: "index.mjs", modules: { "index.mjs": "export default {}" } },
        empty: { compatibilityDate: "2026-01-01", mainModule: "index.js", modules: {} },
        twoKeys: { compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": { js: "x", cjs: "y" } } },
        noKeys: { compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": {} } },
        python: { compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": "export default {}", "lib.py": "x = 1" } },
        hugeCode: { compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": "//" + "x".repeat(64 * 1024 * 1024) } },
      };
      const stub = env.LOADER.get("bad-" + q.kind, () => codes[q.kind]);
      try { await hit(stub); return "no error"; } catch (e) { return describeError(e); }
    },
  `;

  it.each([
    [
      "ts",
      "TypeError",
      "Module name must end with '.js' or '.py' (or the content must be an object indicating the type explicitly). Got: index.ts. If you're trying to load TypeScript, bundle it first with '@cloudflare/worker-bundler' and pass the generated JavaScript modules.",
    ],
    [
      "mjs",
      "TypeError",
      "Module name must end with '.js' or '.py' (or the content must be an object indicating the type explicitly). Got: index.mjs",
    ],
    ["empty", "TypeError", "Dynamic Worker code must contain at least one module."],
    [
      "twoKeys",
      "TypeError",
      "Each module must contain exactly one of 'js', 'cjs', 'text', 'data', 'json', 'py', or 'wasm'. Module 'index.js' contained 2 properties.",
    ],
    [
      "noKeys",
      "TypeError",
      "Each module must contain exactly one of 'js', 'cjs', 'text', 'data', 'json', 'py', or 'wasm'. Module 'index.js' contained 0 properties.",
    ],
    ["python", "TypeError", `Module "lib.py" is a Python module, but the main module isn't a Python module.`],
    [
      "hugeCode",
      "Error",
      `Dynamic Worker code size (${64 * 1024 * 1024 + 2} bytes) exceeds the maximum allowed size of 67108864 bytes.`,
    ],
  ])("WL-08..WL-11 get() with bad code (%s): the request rejects with workerd's text", async (kind, name, message) => {
    const em = await start(BAD_CODE_ROUTE);
    expect(await value(em, `badGet?kind=${kind}`)).toMatchObject({ name, message });
  });

  it("WL-09 object modules of every JS-usable type load: js, cjs, text, data, json", async () => {
    const em = await start(`
      async moduleTypes(env) {
        const stub = env.LOADER.load({
          compatibilityDate: "2026-01-01",
          mainModule: "main.js",
          modules: {
            "main.js": { js: [
              'import greeting from "./greeting.txt";',
              'import bytes from "./bytes.bin";',
              'import config from "./config.json";',
              'import helper from "./helper.cjs";',
              'export default { fetch() { return Response.json({ greeting, bytes: [...new Uint8Array(bytes)], bytesIsBuffer: bytes instanceof ArrayBuffer, config, helper: helper(2) }); } };',
            ].join("\\n") },
            "greeting.txt": { text: "hello" },
            "bytes.bin": { data: new Uint8Array([1, 2, 3]).buffer },
            "config.json": { json: { when: new Date(0), list: [1, 2] } },
            "helper.cjs": { cjs: "module.exports = (x) => x * 21;" },
          },
        });
        return hit(stub);
      },
    `);
    expect(await value(em, "moduleTypes")).toEqual({
      greeting: "hello",
      bytes: [1, 2, 3],
      bytesIsBuffer: true,
      // WL-09: json is serialised and parsed again, so the Date is a string
      config: { when: "1970-01-01T00:00:00.000Z", list: [1, 2] },
      helper: 42,
    });
  });
});

describe("WL-12 env", () => {
  it("WL-12 env carries structured-cloneable data, rebuilt with the child's constructors", async () => {
    const em = await start(`
      async envData(env) {
        const stub = env.LOADER.get("envData", () => code("env", {
          env: { DATA: { name: "acme", list: [1, 2, { deep: true }] }, WHEN: new Date(86400000) },
        }));
        return hit(stub);
      },
    `);
    expect(await value(em, "envData")).toEqual({
      keys: ["DATA", "WHEN"],
      importedIsEnv: true,
      data: { name: "acme", list: [1, 2, { deep: true }] },
      dataIsObject: true,
      listIsArray: true,
      whenIsDate: true,
      when: 86_400_000,
    });
  });

  it.each([
    ["ctx.exports", "ctx.exports.Svc({ props: { via: 'ctx' } })", { via: "ctx" }],
    ["exports from cloudflare:workers", "ctxExports.Svc({ props: { via: 'import' } })", { via: "import" }],
  ])(
    "WL-12 env may hold a loopback stub made with %s; its props reach the dispatcher's ctx.props",
    async (_label, expr, props) => {
      const em = await start(`
      async envLoopback(env, q, ctx) {
        const stub = env.LOADER.get("loop", () => code("env", { env: { SVC: ${expr} } }));
        return stub.getEntrypoint("Caller").callService(7);
      },
    `);
      expect(await value(em, "envLoopback")).toEqual({ pong: 7, props });
    },
  );

  const ENV_TEXT =
    "Dynamic 'env' contains one or more objects that are not supported for use in 'env', although they would be supported in 'props'.";

  it.each([
    ["a function", "{ f() { return 1; } }"],
    ["a function nested in data", "{ nested: { list: [() => 1] } }"],
    ["an RpcTarget", "{ target: new Thing() }"],
  ])("WL-12 %s in env: get() rejects requests with DataCloneError and the WL-12 text", async (_label, envLiteral) => {
    const em = await start(`
      async envBad(env) {
        const stub = env.LOADER.get("envBad", () => code("env", { env: ${envLiteral} }));
        try { await hit(stub); return "no error"; } catch (e) { return describeError(e); }
      },
    `);
    expect(await value(em, "envBad")).toMatchObject({ name: "DataCloneError", message: ENV_TEXT });
  });

  it("WL-12 a function in env given to load(): DataCloneError with the WL-12 text (at load() or on the request)", async () => {
    const em = await start(`
      async loadEnvFn(env) {
        try {
          const stub = env.LOADER.load(code("env", { env: { f() { return 1; } } }));
          await hit(stub);
          return "no error";
        } catch (e) { return describeError(e); }
      },
    `);
    expect(await value(em, "loadEnvFn")).toMatchObject({ name: "DataCloneError", message: ENV_TEXT });
  });
});

describe("WL-13 globalOutbound", () => {
  it("WL-13 globalOutbound: null makes fetch() throw the WL-13 text", async () => {
    const em = await start(`
      async blocked(env) {
        return env.LOADER.get("blocked", () => code("env", { globalOutbound: null })).getEntrypoint("Caller").outbound();
      },
    `);
    expect(await value(em, "blocked")).toEqual({
      blocked: true,
      name: "Error",
      message:
        "This worker is not permitted to access the internet via global functions like fetch(). It must use capabilities (such as bindings in 'env') to talk to the outside world.",
    });
  });
});

describe("WL-15 getEntrypoint", () => {
  it.each([
    ["undefined", "undefined"],
    ["null", "null"],
    ['"default"', '"default"'],
  ])("WL-15 getEntrypoint(%s) is the default export", async (_label, nameLiteral) => {
    const em = await start(`
      async defaultEp(env) {
        return hit(getCounter(env, "d"), "", ${nameLiteral}, { props: { who: "dflt" } });
      },
    `);
    expect(await value(em, "defaultEp")).toEqual({ hits: 1, entrypoint: "default", props: { who: "dflt" } });
  });

  it("WL-15 a named entrypoint runs with opts.props as ctx.props; each getEntrypoint has its own props", async () => {
    const em = await start(`
      async props(env) {
        const stub = getCounter(env, "p");
        const a = await stub.getEntrypoint("Named", { props: { tenant: "a", nested: { n: 1 } } }).whoami();
        const b = await stub.getEntrypoint("Named", { props: { tenant: "b" } }).whoami();
        const none = await stub.getEntrypoint("Named").whoami();
        return [a, b, none];
      },
    `);
    expect(await value(em, "props")).toEqual([
      { hits: 1, entrypoint: "Named", props: { tenant: "a", nested: { n: 1 } } },
      { hits: 2, entrypoint: "Named", props: { tenant: "b" } },
      { hits: 3, entrypoint: "Named", props: {} },
    ]);
  });

  it("WL-15 an unknown entrypoint fails on request with 'Worker has no such entrypoint: <name>'", async () => {
    const em = await start(`
      async unknown(env) {
        const entrypoint = getCounter(env, "u").getEntrypoint("Nope"); // no error yet
        try { await entrypoint.whoami(); return "no error"; } catch (e) { return describeError(e); }
      },
    `);
    expect(await value(em, "unknown")).toMatchObject({ message: "Worker has no such entrypoint: Nope" });
  });

  it("WL-15 a worker without a default export: 'Worker has no default entrypoint.'", async () => {
    const em = await start(`
      async noDefault(env) {
        const stub = env.LOADER.get("nd", () => code("noDefault"));
        const named = await stub.getEntrypoint("OnlyNamed").hi();
        try { await hit(stub); return { named, error: null }; } catch (e) { return { named, error: describeError(e) }; }
      },
    `);
    expect(await value(em, "noDefault")).toMatchObject({
      named: "hi",
      error: { message: "Worker has no default entrypoint." },
    });
  });
});

describe("WL-19 startup errors", () => {
  it("WL-19 a top-level throw in tenant code rejects every request with the real name and message", async () => {
    const em = await start(`
      async throws(env) {
        const stub = env.LOADER.get("throws", () => code("throws"));
        const errors = [];
        for (let i = 0; i < 2; i++) {
          try { await hit(stub); errors.push("no error"); } catch (e) { errors.push(describeError(e)); }
        }
        return errors;
      },
    `);
    const errors = await value<Array<{ name: string; message: string }>>(em, "throws");
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatchObject({ name: "RangeError", message: "tenant config is missing: TENANT_KEY" });
      expect(error.message).not.toMatch(/internal error/i);
    }
  });
});

describe("eviction policies (WL-04, WL-21)", () => {
  it("capacity: 2 keeps at most two warm isolates and evicts the least recently used first", async () => {
    const em = await start("", { workerLoaders: { LOADER: { capacity: 2 } } });
    const loader = loaderOf(em, "LOADER");
    await value(em, "hit?id=a");
    await value(em, "hit?id=b");
    expect((await value(em, "hit?id=a")).hits).toBe(2); // a is now the most recently used
    await value(em, "hit?id=c"); // evicts b, the least recently used
    expect(loader.cachedIds().sort()).toEqual(["a", "c"]);
    expect((await value(em, "hit?id=a")).hits).toBe(3); // a kept its state
    expect((await value(em, "hit?id=b")).hits).toBe(1); // b was reloaded (and c evicted)
    expect(loader.cachedIds().sort()).toEqual(["a", "b"]);
    expect(await value(em, "getCodeCalls")).toEqual({ a: 1, b: 2, c: 1 });
    const evictions = em.trace().flatMap((e) => (e.type === "loader.evict" ? [[e.reason, ...e.ids]] : []));
    expect(evictions).toEqual([
      ["capacity", "b"],
      ["capacity", "c"],
    ]);
  });

  it("capacity: an isolate with a call running is not evicted; the least recently used idle one goes instead", async () => {
    const em = await start("", { workerLoaders: { LOADER: { capacity: 2 } } });
    await value(em, "hit?id=a");
    const slow = pending(call(em, "hit?id=a&path=slow")); // a is busy for 1 s
    await em.time.advance(1);
    await value(em, "hit?id=b");
    await value(em, "hit?id=c"); // a is least recently used but busy: b goes
    expect(loaderOf(em, "LOADER").cachedIds().sort()).toEqual(["a", "c"]);
    await em.time.advance(999);
    expect((await slow.settled).value.hits).toBe(2);
    expect((await value(em, "hit?id=a")).hits).toBe(3);
    expect(await value(em, "getCodeCalls")).toEqual({ a: 1, b: 1, c: 1 });
  });

  it("evictWhenIdle: every wake of a hibernating workflow reloads the tenant (a loader.getCode per replay)", async () => {
    const plan = [
      { do: "a" },
      { sleep: "s1", duration: "1 hour" },
      { do: "b" },
      { sleep: "s2", duration: "1 day" },
      { do: "c" },
    ];
    run = await ReferenceRun.start(["acme"], { workerLoaders: { LOADER: { evictWhenIdle: true } } });
    const id = await run.create("acme", { plan });
    await run.emulator.runUntilIdle();
    const output = await run.output("acme", id);
    // each step after a sleep ran in a new isolate
    expect(new Set(output.markers.map((m) => m.isolate)).size).toBe(3);
    const trace = run.emulator.trace();
    const starts = trace.filter((e) => e.type === "run.start");
    expect(starts).toHaveLength(3);
    for (const start of starts) {
      if (start.type !== "run.start" || start.generation < 2) continue;
      // the lifetime ends with a hibernate or a run.end of the same generation
      const end = trace.find(
        (e) =>
          (e.type === "hibernate" || e.type === "run.end") && e.generation === start.generation && e.seq > start.seq,
      );
      expect(end).toBeDefined();
      const reloads = trace.filter((e) => e.type === "loader.getCode" && e.ok && e.seq > start.seq && e.seq < end!.seq);
      expect(reloads, `run.start generation ${start.generation}`).toHaveLength(1);
    }
    expect(trace.some((e) => e.type === "loader.evict" && e.reason === "idle")).toBe(true);
  });

  it("default policy: the warm isolate serves every replay; getCode runs once", async () => {
    run = await ReferenceRun.start(["acme"]);
    const id = await run.create("acme", { plan: [{ do: "a" }, { sleep: "s1", duration: "1 hour" }, { do: "b" }] });
    await run.emulator.runUntilIdle();
    const output = await run.output("acme", id);
    expect(new Set(output.markers.map((m) => m.isolate)).size).toBe(1);
    expect(run.emulator.trace().filter((e) => e.type === "run.start")).toHaveLength(2);
    expect(run.emulator.trace().filter((e) => e.type === "loader.getCode")).toHaveLength(1);
    expect(run.tenants.fetches.get("acme")).toBe(1);
  });
});
