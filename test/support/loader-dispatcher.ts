/**
 * A small dispatcher for Worker Loader tests: one ES module whose default `fetch` routes `/<name>?k=v` to a route
 * function `(env, query, ctx) => value` and answers JSON `{ ok: true, value }` or `{ ok: false, error }`.
 *
 * Tenant sources are injected as the constant `SOURCES` (name → ES module source); `code(name, extra)` builds a
 * WorkerCode with that source as `index.js`. `counted(key, fn)` wraps a getCode callback so that the dispatcher
 * records how often it ran (`GET /getCodeCalls` returns the counts).
 */
import { Emulator, type EmulatorOptions } from "../../emulator/index.ts";

export interface LoaderDispatcherOptions {
  /** Tenant ES module sources by name. */
  sources?: Record<string, string>;
  /** Extra top-level code of the dispatcher module (helpers, exported entrypoints). */
  prelude?: string;
  /** Members of an object literal: `name: async (env, q, ctx) => { ... }` or `async name(env, q, ctx) { ... }`. */
  routes: string;
  /** Extra emulator options (profile, workerLoaders, workflows...). */
  options?: Partial<EmulatorOptions>;
}

export interface RouteResult<T = any> {
  ok: boolean;
  value?: T;
  error?: { name: string; message: string; isError: boolean };
}

export function dispatcherScript({ sources = {}, prelude = "", routes }: LoaderDispatcherOptions): string {
  return `
    import { WorkerEntrypoint, RpcTarget, exports as ctxExports } from "cloudflare:workers";
    const SOURCES = ${JSON.stringify(sources)};
    globalThis.getCodeCalls = {};
    function code(name, extra = {}) {
      if (!(name in SOURCES)) throw new Error("test dispatcher: no source " + name);
      return { compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": SOURCES[name] }, ...extra };
    }
    function counted(key, make) {
      return () => {
        globalThis.getCodeCalls[key] = (globalThis.getCodeCalls[key] ?? 0) + 1;
        return make();
      };
    }
    function describeError(e) {
      return { name: e?.name, message: e?.message ?? String(e), isError: e instanceof Error };
    }
    ${prelude}
    const routes = {
      async getCodeCalls() { return globalThis.getCodeCalls; },
      ${routes}
    };
    export default {
      async fetch(request, env, ctx) {
        const url = new URL(request.url);
        const route = routes[url.pathname.slice(1)];
        if (!route) return new Response("no route " + url.pathname, { status: 404 });
        try {
          return Response.json({ ok: true, value: await route(env, Object.fromEntries(url.searchParams), ctx) });
        } catch (e) {
          return Response.json({ ok: false, error: describeError(e) });
        }
      },
    };
  `;
}

export async function startLoaderDispatcher(options: LoaderDispatcherOptions): Promise<Emulator> {
  const emulator = new Emulator({
    script: dispatcherScript(options),
    modules: true,
    compatibilityDate: "2026-01-01",
    workerLoaders: { LOADER: {} },
    log: false,
    ...options.options,
  });
  await emulator.ready;
  return emulator;
}

/** `GET http://dispatcher/<path>` and the parsed JSON answer. */
export async function call<T = any>(emulator: Emulator, path: string): Promise<RouteResult<T>> {
  const response = await emulator.dispatchFetch(`http://dispatcher/${path}`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`dispatcher answered ${response.status}: ${text}`);
  return JSON.parse(text) as RouteResult<T>;
}

/** The value of a route that must succeed. */
export async function value<T = any>(emulator: Emulator, path: string): Promise<T> {
  const result = await call<T>(emulator, path);
  if (!result.ok) throw new Error(`route ${path} failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

/** The error of a route that must fail. */
export async function failure(emulator: Emulator, path: string): Promise<NonNullable<RouteResult["error"]>> {
  const result = await call(emulator, path);
  if (result.ok) throw new Error(`route ${path} succeeded with ${JSON.stringify(result.value)}`);
  return result.error!;
}
