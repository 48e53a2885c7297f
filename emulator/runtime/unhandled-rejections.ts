/**
 * Unhandled promise rejections of worker code, handled as workerd handles them: the runtime logs
 * "Uncaught (in promise) …" and the request or instance goes on. Every realm shares Node's process, so without this
 * a rejection that a tenant leaves unobserved (two parallel `step.do`s, one awaited, the other rejecting later) is a
 * process-level `unhandledRejection`: it kills the CLI (Node's default `--unhandled-rejections=throw`) and fails a
 * vitest run.
 *
 * Mechanism: while an emulator is alive, `process.emit` is wrapped once per process. Node's rejection tracking calls
 * `process.emit("unhandledRejection", reason, promise)` (and later `"rejectionHandled"`); the wrapper answers those
 * itself, as handled, when the rejection belongs to a worker realm, and passes everything else on untouched. No
 * `unhandledRejection` listener is added, because adding one changes the default for everyone: Node stops crashing
 * on host rejections, and vitest stops reporting them ("if there is another listener, assume that it's handled").
 * Host rejections therefore keep Node's own behaviour, in every `--unhandled-rejections` mode.
 *
 * A rejection belongs to a realm when its promise is one of the realm's (the realm's `%Promise%` is in its prototype
 * chain: async functions and `new Promise` inside worker code make those), or when its reason is a value of the realm
 * (an RPC result is a host promise, but the membrane rebuilds its error in the calling realm), or when it was adopted
 * by the realm (`adoptPromise`: the result of a call to a worker entrypoint). A host promise that a worker drops with a
 * primitive reason and that was not adopted (a function or RpcTarget stub's result, `invoke.ts` `invoke`) cannot be
 * attributed and is treated as the host's.
 *
 * Limits: `--unhandled-rejections=strict` crashes before any event is emitted, and `warn` prints its warning
 * regardless; both are the user's explicit choice.
 */
import { types } from "node:util";
import type { Clock } from "../clock.ts";
import type { Trace } from "../trace.ts";

type Log = (realm: string, level: string, args: unknown[]) => void;

interface RealmRecord {
  label: string;
  clock: Clock;
  log: Log;
}

/** A realm's `Promise.prototype` and `Object.prototype` → the realm. Weak: a dropped realm leaves nothing here. */
const realms = new WeakMap<object, RealmRecord>();
/** Each emulator's trace, found through its clock (every realm of an emulator runs on the emulator's clock). */
const traces = new WeakMap<Clock, Trace>();
/** Host promises reported as a realm's, so a later `rejectionHandled` for them is answered here too. */
const reported = new WeakSet<object>();
/** Host promises handed to a realm's code (results of RPC calls it made): their rejections are that realm's. */
const adopted = new WeakMap<object, RealmRecord>();

/** Called for every realm made: its rejections are reported with its label, to its log and its emulator's trace. */
export function watchRealm(
  global: { Promise: PromiseConstructor; Object: ObjectConstructor },
  label: string,
  clock: Clock,
  log: Log,
): void {
  const record: RealmRecord = { label, clock, log };
  realms.set(global.Promise.prototype, record);
  realms.set(global.Object.prototype, record);
}

/**
 * Marks a host promise given to `realm`'s code, e.g. the result of an RPC call it made, as that realm's: a
 * rejection it leaves unobserved is then attributed even when the reason is a primitive (`throw "x"` across RPC).
 */
export function adoptPromise<T>(
  promise: Promise<T>,
  realm: { readonly intrinsics: { readonly Object: ObjectConstructor } },
): Promise<T> {
  const record = realms.get(realm.intrinsics.Object.prototype);
  if (record) adopted.set(promise, record);
  return promise;
}

let liveEmulators = 0;
let active = false;
/** Whether `wrapped` is (still) somewhere in `process.emit`'s chain. */
let inChain = false;
let original: ((...args: unknown[]) => boolean) | null = null;
let removal: ReturnType<typeof setImmediate> | null = null;

/** An emulator starts: its realms' rejections go to `trace`. Installs the process hook if it is the first alive. */
export function attachEmulator(clock: Clock, trace: Trace): void {
  traces.set(clock, trace);
  liveEmulators++;
  if (removal) {
    clearImmediate(removal);
    removal = null;
  }
  active = true;
  if (!inChain) {
    original = process.emit as unknown as (...args: unknown[]) => boolean;
    process.emit = wrapped as unknown as typeof process.emit;
    inChain = true;
  }
}

/**
 * An emulator is disposed. When it was the last, the hook goes on the next turn of the event loop, not now: a
 * rejection already made by worker code during this turn is reported by Node only after the current microtasks.
 */
export function detachEmulator(): void {
  liveEmulators = Math.max(0, liveEmulators - 1);
  if (liveEmulators > 0 || removal) return;
  removal = setImmediate(() => {
    removal = null;
    if (liveEmulators > 0) return;
    active = false;
    // Someone wrapped process.emit after us: leave our (now inactive, pass-through) link in their chain.
    if (process.emit === (wrapped as unknown) && original) {
      process.emit = original as unknown as typeof process.emit;
      inChain = false;
    }
  });
  removal.unref();
}

/** For tests: whether the hook is in place. */
export function rejectionHookInstalled(): boolean {
  return active && inChain;
}

function wrapped(this: unknown, event: unknown, ...args: unknown[]): boolean {
  if (active) {
    if (event === "unhandledRejection" && report(args[1], args[0])) return true;
    if (
      event === "rejectionHandled" &&
      typeof args[0] === "object" &&
      args[0] !== null &&
      (reported.has(args[0]) || realmOf(args[0]))
    ) {
      return true; // workerd says nothing when a rejection is handled late; Node would warn
    }
  }
  return original!.call(this, event, ...args);
}

/** Reports a realm's rejection and returns true; false for a host rejection (left to Node). */
function report(promise: unknown, reason: unknown): boolean {
  const realm = adopted.get(promise as object) ?? realmOf(promise) ?? realmOf(reason);
  if (!realm) return false;
  if (typeof promise === "object" && promise !== null) reported.add(promise);
  traces
    .get(realm.clock)
    ?.record({ type: "worker.unhandledRejection", isolate: realm.label, message: describe(reason) });
  realm.log(realm.label, "error", ["Uncaught (in promise)", reason]);
  return true;
}

/** The realm whose intrinsics are in `value`'s prototype chain, if any. */
function realmOf(value: unknown): RealmRecord | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
  try {
    let proto = Object.getPrototypeOf(value);
    for (let depth = 0; proto && depth < 100; depth++) {
      const record = realms.get(proto);
      if (record) return record;
      proto = Object.getPrototypeOf(proto);
    }
  } catch {
    // a revoked proxy, a hostile getPrototypeOf trap: not attributable
  }
  return undefined;
}

function describe(reason: unknown): string {
  try {
    if (types.isNativeError(reason)) return `${(reason as Error).name}: ${(reason as Error).message}`;
    return String(reason);
  } catch {
    return Object.prototype.toString.call(reason);
  }
}
