/**
 * Worker Loader errors and handlers as workerd shows them: load failures are errors of the dispatcher's realm,
 * class entrypoints get a Request, env size and content are checked (regressions found by the loader suite).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { startLoaderDispatcher, value } from "../../support/loader-dispatcher.ts";

const TENANT = `
  import { WorkerEntrypoint } from "cloudflare:workers";
  export class Web extends WorkerEntrypoint {
    async fetch(request) {
      return Response.json({ isRequest: request instanceof Request, url: typeof request === "string" ? null : request.url });
    }
  }
  export default class extends WorkerEntrypoint {
    async fetch(request) {
      return Response.json({ isRequest: request instanceof Request, url: typeof request === "string" ? null : request.url });
    }
  }
  export class Caller extends WorkerEntrypoint {
    async outbound() {
      const response = await fetch("https://example.com/from-child");
      return response.text();
    }
  }
`;

const THROWS = `throw new RangeError("tenant config is missing"); export default {};`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

async function start(routes: string) {
  emulator = await startLoaderDispatcher({
    sources: { tenant: TENANT, throws: THROWS },
    prelude: `
      export class Outbound extends WorkerEntrypoint {
        async fetch(request) {
          return new Response("outbound saw " + (request instanceof Request ? request.method + " " + request.url : typeof request));
        }
      }
    `,
    routes,
  });
  return emulator;
}

describe("errors from the loader reach the dispatcher as host-realm objects", () => {
  // Expected: an error caught by dispatcher code is an Error of the dispatcher's realm, as every error is in workerd
  // (one isolate, one set of built-ins); membrane.ts promises "errors ... are rebuilt with the receiving realm's
  // constructors". Before the fix: `e instanceof Error` is false in the dispatcher for load failures.
  // Cause: WorkerLoader.load()/get() run in the host and throw host errors straight into dispatcher code, and
  // EntrypointTarget.call awaits `this.resolve()` (the isolate load) OUTSIDE `invoke`, so a load failure is never
  // rebuilt in the caller's realm (emulator/runtime/worker-isolate.ts EntrypointTarget.call; loader/worker-loader.ts).
  it.each([
    ["getCode throws", `() => { throw new TypeError("no code"); }`],
    ["bad module name", `() => ({ compatibilityDate: "2026-01-01", mainModule: "a.ts", modules: { "a.ts": "x" } })`],
    ["top-level throw (WL-19)", `() => code("throws")`],
    ["function in env (WL-12)", `() => code("tenant", { env: { f() {} } })`],
  ])("WL-02 / WL-06 a failed load (%s) rejects with an Error of the dispatcher's realm", async (_label, getCode) => {
    const em = await start(`
      async failing(env) {
        const stub = env.LOADER.get("x", ${getCode});
        try { await stub.getEntrypoint().fetch("http://t/"); return null; } catch (e) { return describeError(e); }
      },
    `);
    expect(await value(em, "failing")).toMatchObject({ isError: true });
  });

  it("WL-05 a validation error thrown synchronously by load() is a TypeError of the dispatcher's realm", async () => {
    const em = await start(`
      async loadBad(env) {
        try { env.LOADER.load({ compatibilityDate: "2026-01-01", mainModule: "a.js", modules: {} }); return null; }
        catch (e) { return { isError: e instanceof Error, isTypeError: e instanceof TypeError, name: e.name }; }
      },
    `);
    expect(await value(em, "loadBad")).toEqual({ isError: true, isTypeError: true, name: "TypeError" });
  });
});

describe("Fetcher.fetch(url) on a class entrypoint", () => {
  // Expected: calling `fetch(input, init)` on a Fetcher (an entrypoint from getEntrypoint, a loopback used as
  // globalOutbound) delivers a Request to the entrypoint's `fetch` handler, as workerd does for any Fetcher.
  // Before the fix: a `WorkerEntrypoint` subclass receives the raw arguments (the URL string), so `request.url` is undefined.
  // Cause: EntrypointTarget.call (emulator/runtime/worker-isolate.ts) builds a Request only for object-syntax workers.
  it("WL-15 getEntrypoint('Web').fetch('http://x/p') hands the class's fetch a Request", async () => {
    const em = await start(`
      async web(env) {
        const stub = env.LOADER.load(code("tenant"));
        return (await stub.getEntrypoint("Web").fetch("http://x/p")).json();
      },
    `);
    expect(await value(em, "web")).toEqual({ isRequest: true, url: "http://x/p" });
  });

  it("WL-15 the default class entrypoint's fetch gets a Request when called with a URL string", async () => {
    const em = await start(`
      async dflt(env) {
        const stub = env.LOADER.load(code("tenant"));
        return (await stub.getEntrypoint().fetch("http://x/d")).json();
      },
    `);
    expect(await value(em, "dflt")).toEqual({ isRequest: true, url: "http://x/d" });
  });

  it("WL-13 a Fetcher as globalOutbound receives the child's global fetch() as a Request with its URL", async () => {
    const em = await start(`
      async outbound(env) {
        const stub = env.LOADER.load(code("tenant", { globalOutbound: ctxExports.Outbound() }));
        return stub.getEntrypoint("Caller").outbound();
      },
    `);
    expect(await value(em, "outbound")).toBe("outbound saw GET https://example.com/from-child");
  });
});

describe("WorkerCode checks the loader skips", () => {
  // Expected (WL-11, workerd `MAX_DYNAMIC_WORKER_ENV_SIZE`): an env whose serialised size exceeds 1 MiB throws
  // `Error("Dynamic Worker env size (N bytes) exceeds the maximum allowed size of 1048576 bytes.")`.
  // Before the fix: the worker loads and runs with the 1 MiB+ env. Cause: `assertEnvSize` (loader/worker-code.ts) is never
  // called; worker-code.ts says "the realm layer ... calls assertEnvSize", but neither WorkerLoader nor the membrane does.
  it("WL-11 an env over 1 MiB is refused with the env size error", async () => {
    const em = await start(`
      async bigEnv(env) {
        try {
          const stub = env.LOADER.load(code("tenant", { env: { BIG: "x".repeat(1024 * 1024 + 16) } }));
          await stub.getEntrypoint().fetch("http://t/");
          return null;
        } catch (e) { return describeError(e); }
      },
    `);
    const error = await value(em, "bigEnv");
    expect(error).not.toBeNull();
    expect(error.message).toMatch(
      /^Dynamic Worker env size \(\d+ bytes\) exceeds the maximum allowed size of 1048576 bytes\.$/,
    );
  });

  // WL-05 is [INFERRED] here: "validation errors (module types, size, env) throw synchronously from load()".
  // Before the fix: load() accepts the function (it converts env in "rpc" mode) and the WL-12 DataCloneError only appears on
  // the first request. Cause: WorkerLoader.load() transfers env with mode "rpc" instead of checking it in "env" mode.
  it("WL-05 [INFERRED] a function in env makes load() throw the WL-12 DataCloneError synchronously", async () => {
    const em = await start(`
      async loadEnvFn(env) {
        try { env.LOADER.load(code("tenant", { env: { f() {} } })); return { sync: false }; }
        catch (e) { return { sync: true, name: e.name }; }
      },
    `);
    expect(await value(em, "loadEnvFn")).toEqual({ sync: true, name: "DataCloneError" });
  });

  // worker-code.ts words the "not an object" TypeError by caller: get() should say
  // "Incorrect type for Promise: the Promise did not resolve to 'WorkerCode'." (workerd converts the getCode result).
  // Before the fix: the load() wording. Cause: WorkerLoader.startLoad calls normalizeWorkerCode(raw) without { via: "get" }.
  it("WL-07 getCode resolving to a non-object rejects with get()'s wording, not load()'s", async () => {
    const em = await start(`
      async notObject(env) {
        const stub = env.LOADER.get("n", () => 42);
        try { await stub.getEntrypoint().fetch("http://t/"); return null; } catch (e) { return describeError(e); }
      },
    `);
    expect(await value(em, "notObject")).toMatchObject({
      name: "TypeError",
      message: "Incorrect type for Promise: the Promise did not resolve to 'WorkerCode'.",
    });
  });
});
