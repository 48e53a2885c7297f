/**
 * One isolate of one worker: a fresh realm with the worker's modules instantiated in it. Module state and globals
 * live here and die with it (eviction, crash). Calls arrive through `ServiceTarget`s (loader stubs, loopbacks) and
 * run on a fresh entrypoint instance each time, as in workerd.
 */
import { types } from "node:util";
import type { Clock } from "../clock.ts";
import { instantiateWorker, type CompiledWorker } from "../loader/module-compiler.ts";
import { invoke, sendArgs } from "./invoke.ts";
import { Realm } from "./realm.ts";
import { rebuildError } from "./rebuild-error.ts";
import { serviceStub, type ServiceTarget } from "./rpc-stubs.ts";
import { transfer } from "./transfer.ts";
import { adoptPromise } from "./unhandled-rejections.ts";

export interface IsolateOptions {
  /** Shown in traces, errors and console output, e.g. `tenant:acme@v1#3`. */
  label: string;
  compiled: CompiledWorker;
  clock: Clock;
  /** Builds the worker's `env` inside its realm (bindings are created per isolate). */
  env: (isolate: WorkerIsolate) => Record<string, unknown>;
  log?: (realm: string, level: string, args: unknown[]) => void;
  fetch?: (input: unknown, init?: unknown) => Promise<Response>;
  compatibilityDate?: string;
  compatibilityFlags?: readonly string[];
  /**
   * What `ctx.exports.<name>` is for an exported class, when it is not a loopback to an entrypoint (a Durable Object
   * class: its namespace). Undefined keeps the loopback.
   */
  exportFor?: (name: string, value: unknown, isolate: WorkerIsolate) => unknown;
}

type Entrypoint =
  | { kind: "class"; cls: new (ctx: unknown, env: unknown) => Record<string, unknown> }
  | { kind: "object"; object: Record<string, unknown> };

export class WorkerIsolate {
  readonly label: string;
  readonly realm: Realm;
  readonly env: Record<string, unknown>;
  /** The main module's exports. */
  readonly exports: Record<string, unknown>;
  /** `ctx.exports` / `cloudflare:workers` `exports`: a loopback factory per exported entrypoint. */
  readonly ctxExports: Record<string, unknown>;

  constructor(options: IsolateOptions) {
    this.label = options.label;
    this.realm = Realm.create({
      label: options.label,
      clock: options.clock,
      log: options.log,
      fetch: options.fetch,
      compatibilityDate: options.compatibilityDate,
      compatibilityFlags: options.compatibilityFlags,
    });
    this.ctxExports = {};
    // Bind the live views before evaluating modules: top-level code may read `env` from `cloudflare:workers`.
    let env: Record<string, unknown> = {};
    this.realm.runtime.bindWorker({ env: () => env, exports: () => this.ctxExports });
    this.env = env = options.env(this);
    installStructuredClone(this.realm);
    const runtimeModules = this.realm.runtime.modules as Record<string, unknown>;
    this.exports = instantiateWorker(options.compiled, this.realm.context!, (specifier) => runtimeModules[specifier]);
    for (const name of Object.keys(this.exports)) {
      if (name === "__esModule" || name === "default") continue;
      const value = this.exports[name];
      const special = options.exportFor?.(name, value, this);
      if (special !== undefined) this.ctxExports[name] = special;
      else if (typeof value === "function") {
        this.ctxExports[name] = (options?: { props?: unknown }) =>
          serviceStub(
            new EntrypointTarget(`${this.label} loopback ${name}`, () => this, name, options?.props, this.realm),
            this.realm,
          );
      }
    }
  }

  /** WL-15: `undefined`, `null` and `"default"` name the default export. */
  entrypoint(name: string | null | undefined): Entrypoint {
    const key = name == null ? "default" : name;
    const value = this.exports[key];
    if (value === undefined || value === null) {
      throw new Error(
        key === "default" ? "Worker has no default entrypoint." : `Worker has no such entrypoint: ${key}`,
      );
    }
    if (typeof value === "function") return { kind: "class", cls: value as Entrypoint & any };
    if (typeof value === "object") return { kind: "object", object: value as Record<string, unknown> };
    throw new Error(`Worker has no such entrypoint: ${key}`);
  }

  /** A fresh entrypoint instance with `ctx = {props, exports, waitUntil}` built inside this realm. */
  instantiate(entrypoint: Entrypoint, props: unknown): { receiver: Record<string, unknown>; ctx: unknown } {
    const ctx = new this.realm.intrinsics.Object() as Record<string, unknown>;
    ctx.props = props === undefined ? new this.realm.intrinsics.Object() : props;
    ctx.exports = this.ctxExports;
    ctx.waitUntil = (promise: unknown) => void Promise.resolve(promise).catch(() => {});
    ctx.passThroughOnException = () => {};
    if (entrypoint.kind === "class") return { receiver: new entrypoint.cls(ctx, this.env), ctx };
    return { receiver: entrypoint.object, ctx };
  }
}

/** An entrypoint of a worker, reached by reference. `resolve` finds the isolate serving it at call time. */
export class EntrypointTarget implements ServiceTarget {
  readonly label: string;
  /** Props held in host form; each call copies them into the serving isolate. */
  private readonly props: unknown;

  constructor(
    label: string,
    private readonly resolve: () => WorkerIsolate | Promise<WorkerIsolate>,
    private readonly name: string | null | undefined,
    props: unknown,
    propsRealm: Realm,
  ) {
    this.label = label;
    this.props = props === undefined ? undefined : transfer(props, propsRealm, Realm.host(), "rpc");
  }

  /** The serving isolate; a load failure reaches the caller as an error of its own realm. */
  private async isolateFor(caller: Realm): Promise<WorkerIsolate> {
    try {
      return await this.resolve();
    } catch (error) {
      throw types.isNativeError(error) ? rebuildError(error as Error, caller) : error;
    }
  }

  call(member: string, args: unknown[], caller: Realm): Promise<unknown> {
    const result = this.callIn(member, args, caller);
    // The caller's code owns the result: if it drops it and it rejects, that is the caller's unhandled rejection.
    return caller === Realm.host() ? result : adoptPromise(result, caller);
  }

  private async callIn(member: string, args: unknown[], caller: Realm): Promise<unknown> {
    const isolate = await this.isolateFor(caller);
    const sent = sendArgs(args, caller, isolate.realm);
    if (!sent.ok) return sent.error;
    const inArgs = sent.args;
    return invoke(isolate.realm, caller, () => {
      const props = this.props === undefined ? undefined : transfer(this.props, Realm.host(), isolate.realm, "rpc");
      const { receiver, ctx } = isolate.instantiate(isolate.entrypoint(this.name), props);
      const method = receiver[member];
      if (typeof method !== "function") {
        throw new TypeError(`The RPC receiver does not implement the method "${member}".`);
      }
      if (member === "fetch") {
        // fetch(input, init) on a Fetcher always reaches the handler as one Request.
        const request =
          inArgs[0] instanceof Request ? inArgs[0] : new Request(inArgs[0] as string, inArgs[1] as RequestInit);
        // Object-syntax workers (`export default { fetch(request, env, ctx) }`) get env and ctx as arguments.
        const isClass = receiver instanceof (isolate.realm.runtime.WorkerEntrypoint as any);
        return isClass ? method.call(receiver, request) : method.call(receiver, request, isolate.env, ctx);
      }
      return method.apply(receiver, inArgs);
    });
  }

  async read(member: string, caller: Realm): Promise<unknown> {
    const isolate = await this.isolateFor(caller);
    return invoke(isolate.realm, caller, () => {
      const { receiver } = isolate.instantiate(isolate.entrypoint(this.name), undefined);
      return receiver[member];
    });
  }
}

/** Contexts have no `structuredClone`; give each one that clones within its own realm. */
function installStructuredClone(realm: Realm): void {
  const global = realm.context as Record<string, unknown>;
  global.structuredClone = (value: unknown) => {
    try {
      return transfer(value, realm, realm, "structuredClone");
    } catch (error) {
      throw types.isNativeError(error) ? rebuildError(error as Error, realm) : error;
    }
  };
}
