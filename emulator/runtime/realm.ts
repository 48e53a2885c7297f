/**
 * A realm is one JavaScript global environment: the host's, or a `vm` context standing for one isolate of a worker.
 * Each isolate gets its own realm, so module state and globals are never shared between isolates or tenants, and an
 * evicted isolate visibly loses its state.
 *
 * `vm` is NOT a security boundary (see README): isolation tests check state and globals, not hostile code.
 */
import vm from "node:vm";
import type { Clock } from "../clock.ts";
import { buildRuntimeModules, type RuntimeModules } from "./runtime-modules.ts";
import { watchRealm } from "./unhandled-rejections.ts";

/** Constructors a value needs when it is rebuilt inside a realm. */
export interface Intrinsics {
  Object: ObjectConstructor;
  Array: ArrayConstructor;
  Date: DateConstructor;
  Map: MapConstructor;
  Set: SetConstructor;
  RegExp: RegExpConstructor;
  Error: ErrorConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  DataView: DataViewConstructor;
  /** Error and typed-array constructors by name, e.g. "TypeError", "Uint8Array". */
  byName: Record<string, unknown>;
}

/** Anything that can be killed: an execution of `run()`, an isolate. Calls made on behalf of a dead one never settle. */
export interface Liveness {
  readonly alive: boolean;
}

const ERROR_NAMES = ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"];
const TYPED_ARRAY_NAMES = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
];

function intrinsicsOf(global: Record<string, any>): Intrinsics {
  const byName: Record<string, unknown> = {};
  for (const name of [...ERROR_NAMES, ...TYPED_ARRAY_NAMES]) byName[name] = global[name];
  return {
    Object: global.Object,
    Array: global.Array,
    Date: global.Date,
    Map: global.Map,
    Set: global.Set,
    RegExp: global.RegExp,
    Error: global.Error,
    ArrayBuffer: global.ArrayBuffer,
    DataView: global.DataView,
    byName,
  };
}

export interface RealmOptions {
  /** A readable label used in traces and errors, e.g. `tenant:acme@v1#3`. */
  label: string;
  clock: Clock;
  /** Where `console.*` from worker code goes. */
  log?: (realm: string, level: string, args: unknown[]) => void;
  /** Replaces global `fetch` (a blocked or redirected outbound, WL-13). */
  fetch?: (input: unknown, init?: unknown) => Promise<Response>;
  /** The worker's compatibility date and flags: they decide how its errors cross RPC. */
  compatibilityDate?: string;
  compatibilityFlags?: readonly string[];
}

/** workerd's `enhanced_error_serialization` (keeps error names and own properties across RPC) is on by default from this date. */
export const ENHANCED_ERROR_SERIALIZATION_FROM = "2026-04-21";

export function preservesErrorNames(compatibilityDate: string, flags: readonly string[] = []): boolean {
  if (flags.includes("no_enhanced_error_serialization")) return false;
  return flags.includes("enhanced_error_serialization") || compatibilityDate >= ENHANCED_ERROR_SERIALIZATION_FROM;
}

export class Realm implements Liveness {
  readonly label: string;
  readonly context: vm.Context | null;
  readonly intrinsics: Intrinsics;
  /** `cloudflare:workers` and `cloudflare:workflows` as seen from inside this realm (realm-native classes). */
  readonly runtime: RuntimeModules;
  /** Whether errors serialised by this realm keep their names across RPC (see rebuild-error.ts). */
  preservesErrorNames = true;
  private killed = false;
  private readonly timers = new Set<{ cancel(): void }>();
  /** Calls running inside this realm, each tagged with the execution it serves (for evict-when-idle). */
  private readonly leases = new Set<{ scope: Liveness | undefined }>();
  private pruneLeasesAt = 64;

  private constructor(label: string, context: vm.Context | null, intrinsics: Intrinsics, runtime: RuntimeModules) {
    this.label = label;
    this.context = context;
    this.intrinsics = intrinsics;
    this.runtime = runtime;
  }

  get alive(): boolean {
    return !this.killed;
  }

  private readonly deathListeners = new Set<() => void>();

  /** Drops the realm: its timers never fire again, and calls into or out of it never settle (a dead isolate). */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    for (const listener of this.deathListeners) listener();
    this.deathListeners.clear();
  }

  /** Runs `listener` when this realm dies; returns a function that unsubscribes. */
  onDeath(listener: () => void): () => void {
    if (this.killed) {
      listener();
      return () => {};
    }
    this.deathListeners.add(listener);
    return () => this.deathListeners.delete(listener);
  }

  /** Marks a call as running inside this realm until `leave`. */
  enter(scope: Liveness | undefined): { scope: Liveness | undefined } {
    // A call made for an execution that is later killed never settles, so its lease is never left: drop such leases
    // now and then (amortised over the calls), or every hibernated instance would keep its dead execution here.
    if (this.leases.size >= this.pruneLeasesAt) {
      this.pruneDeadLeases();
      this.pruneLeasesAt = Math.max(64, this.leases.size * 2);
    }
    const lease = { scope };
    this.leases.add(lease);
    return lease;
  }

  leave(lease: { scope: Liveness | undefined }): void {
    this.leases.delete(lease);
  }

  /**
   * True while a call is running here on behalf of a live execution. A call whose execution was killed (hibernation,
   * pause, crash) never settles, so it must not pin the isolate forever.
   */
  get busy(): boolean {
    for (const lease of this.leases) {
      if (!lease.scope || lease.scope.alive) return true;
      this.leases.delete(lease);
    }
    return false;
  }

  private pruneDeadLeases(): void {
    for (const lease of this.leases) if (lease.scope && !lease.scope.alive) this.leases.delete(lease);
  }

  static host(): Realm {
    return HOST;
  }

  static create(options: RealmOptions): Realm {
    const started = performance.now();
    const realm = Realm.make(options);
    realmStats.created++;
    realmStats.ms += performance.now() - started;
    return realm;
  }

  private static make(options: RealmOptions): Realm {
    const context = vm.createContext(ORDINARY_GLOBAL ?? {}, { name: options.label });
    const intrinsics = intrinsicsOf(GLOBAL_THIS.runInContext(context));
    const runtime = buildRuntimeModules(context);
    registerRpcTargetClass(runtime.RpcTarget);
    const realm = new Realm(options.label, context, intrinsics, runtime);
    realm.preservesErrorNames = preservesErrorNames(
      options.compatibilityDate ?? "2026-01-01",
      options.compatibilityFlags,
    );
    installGlobals(realm, context, options);
    return realm;
  }

  /** Host-side timer owned by this realm: cancelled when the realm dies. */
  setTimer(clock: Clock, ms: number, fire: () => void): { cancel(): void } {
    const handle = clock.after(ms, () => {
      this.timers.delete(handle);
      if (this.alive) fire();
    });
    this.timers.add(handle);
    return {
      cancel: () => {
        handle.cancel();
        this.timers.delete(handle);
      },
    };
  }
}

/**
 * Realms made by this process so far (each a new `vm` context) and the wall time making them took: what a fresh
 * isolate costs, read by the benchmarks (emulator/testing.ts).
 */
const realmStats = { created: 0, ms: 0 };

export function realmCreation(): { readonly created: number; readonly ms: number } {
  return { ...realmStats };
}

/** Prototypes of every realm's `RpcTarget`: an instance of any of them crosses a boundary by reference. */
const rpcTargetPrototypes = new WeakSet<object>();

function registerRpcTargetClass(cls: abstract new () => object): void {
  rpcTargetPrototypes.add(cls.prototype);
}

/** The prototype in `value`'s chain that belongs to some realm's RpcTarget, if any. */
export function rpcTargetBase(value: object): object | undefined {
  for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    if (rpcTargetPrototypes.has(proto)) return proto;
  }
  return undefined;
}

// The host realm has no context; engine objects handed to workers by reference extend its RpcTarget.
const HOST = (() => {
  const runtime = buildRuntimeModules(null);
  registerRpcTargetClass(runtime.RpcTarget);
  const host = new (Realm as any)("host", null, intrinsicsOf(globalThis as any), runtime) as Realm;
  // The host plays the Workflows engine, which runs at compatibility date 2024-10-22 (LE-01): legacy errors.
  host.preservesErrorNames = false;
  return host;
})();

/** Base class for host objects that worker code reaches by reference (the engine's `step`, instance handles). */
export const HostRpcTarget = HOST.runtime.RpcTarget;

/** Web platform globals shared from the host: their instances are host objects, which is fine for fetch/Response. */
const SHARED_GLOBALS = [
  "Request",
  "Response",
  "Headers",
  "URL",
  "URLSearchParams",
  "TextEncoder",
  "TextDecoder",
  "ReadableStream",
  "WritableStream",
  "TransformStream",
  "AbortController",
  "AbortSignal",
  "Blob",
  "FormData",
  "atob",
  "btoa",
  "crypto",
  "CompressionStream",
  "DecompressionStream",
  "Event",
  "EventTarget",
  "queueMicrotask",
];

/**
 * Where Node has it (20.18+, 22.8+), a context whose global is an ordinary global object, without the interceptors
 * Node puts on a contextified one: every global lookup in worker code (`Object`, `Promise`, `JSON`...) went through
 * a C++ interceptor, ~3x slower, and making the realm costs less. Closer to workerd's globals, too. Each realm is
 * still its own context with its own intrinsics.
 */
const ORDINARY_GLOBAL = (vm.constants as { DONT_CONTEXTIFY?: unknown } | undefined)?.DONT_CONTEXTIFY as
  | vm.Context
  | undefined;

// Compiled once and run in each new context (a realm is made for every isolate: parsing per realm showed in profiles).
const GLOBAL_THIS = new vm.Script("globalThis", { filename: "emulator:realm" });
const INSTALL_CLOCK = new vm.Script(
  `(function (now) {
      const RealDate = Date;
      globalThis.Date = new Proxy(RealDate, {
        construct(target, args, newTarget) {
          return Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget === globalThis.Date ? target : newTarget);
        },
        apply() { return new RealDate(now()).toString(); },
        get(target, prop, receiver) { return prop === "now" ? now : Reflect.get(target, prop, receiver); },
      });
      globalThis.performance = { now: () => now(), timeOrigin: 0 };
    })`,
  { filename: "evalmachine.<anonymous>" },
);

function installGlobals(realm: Realm, context: vm.Context, options: RealmOptions): void {
  const { clock } = options;
  const global = GLOBAL_THIS.runInContext(context) as Record<string, unknown>;
  for (const name of SHARED_GLOBALS) {
    if (name in globalThis) global[name] = (globalThis as any)[name];
  }
  global.self = global;
  global.navigator = { userAgent: "Cloudflare-Workers" };
  const now = () => clock.now();
  // Date and performance.now read the emulator clock, so a virtual 30-day sleep moves them by exactly 30 days.
  const install = INSTALL_CLOCK.runInContext(context) as (now: () => number) => void;
  install(now);
  let nextTimerId = 1;
  const timers = new Map<number, { cancel(): void }>();
  const schedule = (fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number => {
    if (typeof fn !== "function") throw new TypeError("The callback must be a function");
    const id = nextTimerId++;
    const delay = Math.max(0, Number(ms) || 0);
    const arm = () => {
      timers.set(
        id,
        realm.setTimer(clock, delay, () => {
          if (repeat) arm();
          else timers.delete(id);
          (fn as (...a: unknown[]) => void)(...args);
        }),
      );
    };
    arm();
    return id;
  };
  const cancel = (id: unknown) => {
    const timer = timers.get(id as number);
    timer?.cancel();
    timers.delete(id as number);
  };
  global.setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]) => schedule(fn, ms, args, false);
  global.setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]) => schedule(fn, ms, args, true);
  global.clearTimeout = cancel;
  global.clearInterval = cancel;
  global.scheduler = {
    wait: (ms: number) => new Promise<void>((resolve) => realm.setTimer(clock, ms, resolve)),
  };
  const log =
    options.log ??
    ((label: string, level: string, args: unknown[]) => (console as any)[level]?.(`[${label}]`, ...args));
  global.console = Object.fromEntries(
    ["log", "info", "warn", "error", "debug"].map((level) => [
      level,
      (...args: unknown[]) => log(realm.label, level, args),
    ]),
  );
  // An unhandled rejection of this realm is logged and traced, as workerd logs it, not a crash of Node's process.
  watchRealm(global as any, realm.label, clock, log);
  if (options.fetch) global.fetch = options.fetch;
  else if ("fetch" in globalThis) global.fetch = globalThis.fetch;
}
