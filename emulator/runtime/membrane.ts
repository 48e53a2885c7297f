/**
 * The membrane: every value that crosses from one realm to another (host engine, dispatcher isolate, tenant isolates)
 * goes through `transfer`, and every call across goes through `invoke`. It reproduces what workerd's RPC does:
 *
 * - data is structured-cloned INTO the receiving realm (rebuilt with that realm's constructors, so `instanceof`
 *   works there); values that cannot be cloned throw `DataCloneError`;
 * - functions and `RpcTarget` instances cross by reference, as stubs; a stub is not thenable, but `await stub.prop`
 *   reads a property remotely; only prototype members below `RpcTarget` are reachable;
 * - errors keep `name` and `message` and are rebuilt with the receiving realm's constructors;
 * - a call made by, or into, something dead (a crashed isolate, an execution killed by hibernation, pause or crash)
 *   never settles: the code "no longer exists", so it can never commit anything.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { types } from "node:util";
import { DataCloneError } from "../lib/errors.ts";
import { Realm, rpcTargetBase, type Liveness } from "./realm.ts";
import { adoptPromise } from "./unhandled-rejections.ts";

/** Counts calls across realms: part of the "is anything still happening?" signal used to settle virtual time. */
export const rpcActivity = { calls: 0 };

/** The execution (one `run()` lifetime) on whose behalf the current code runs. */
export const executionScope = new AsyncLocalStorage<Liveness>();

/**
 * - `rpc`: arguments and results of calls (functions and RpcTargets become stubs);
 * - `env`: a dynamic worker's `env` (WL-12: data and service stubs only);
 * - `clone`: what storage and RPC-serialised data accept: no functions, no stubs, no class instances;
 * - `structuredClone`: the HTML algorithm behind the global `structuredClone()`: class instances are copied as
 *   plain objects of their own enumerable properties.
 */
export type TransferMode = "rpc" | "env" | "clone" | "structuredClone";

/** A worker entrypoint reached through a binding: a loopback `ctx.exports.X(...)`, a loader stub's entrypoint. */
export interface ServiceTarget {
  readonly label: string;
  /** Calls `member` with arguments that live in `caller`; resolves to a value that lives in `caller`. */
  call(member: string, args: unknown[], caller: Realm): Promise<unknown>;
  /** Reads property `member` of the entrypoint. */
  read(member: string, caller: Realm): Promise<unknown>;
}

type StubInfo =
  | { kind: "function"; target: (...args: unknown[]) => unknown; owner: Realm }
  | { kind: "object"; target: object; owner: Realm }
  | { kind: "service"; target: ServiceTarget };

const stubs = new WeakMap<object, StubInfo>();

/**
 * A promise that never settles, for code that "no longer exists". A fresh one each time: a single shared pending
 * promise would collect a reaction from every dead call and keep all of them (and their closures) alive forever.
 */
export function never(): Promise<never> {
  return new Promise<never>(() => {});
}

/** Web platform objects shared by all realms (see realm.ts SHARED_GLOBALS): they pass through RPC unchanged. */
const PASS_THROUGH: Array<abstract new (...args: any[]) => unknown> = [Request, Response, Headers, ReadableStream, Blob, URL];

export function isStub(value: unknown): boolean {
  return (typeof value === "object" || typeof value === "function") && value !== null && stubs.has(value);
}

export function serviceTargetOf(value: unknown): ServiceTarget | undefined {
  const info = typeof value === "object" || typeof value === "function" ? stubs.get(value as object) : undefined;
  return info?.kind === "service" ? info.target : undefined;
}

/** Copies `value`, which lives in `from`, into `to`. Throws DataCloneError for what cannot cross in `mode`. */
export function transfer(value: unknown, from: Realm, to: Realm, mode: TransferMode): unknown {
  // Most values crossing are primitives (ids, statuses, numbers): no cycle map for those.
  const type = typeof value;
  if (value === null || (type !== "object" && type !== "function" && type !== "symbol")) return value;
  // One Seen is reused by every transfer (a getter run while copying may transfer again: it gets its own).
  const seen = idleSeen ?? new Seen();
  idleSeen = null;
  try {
    return copy(value, from, to, mode, seen);
  } finally {
    seen.reset();
    idleSeen = seen;
  }
}

/**
 * The objects already copied in one transfer and their copies (shared references and cycles stay shared). Most
 * transfers copy a handful of objects: a linear scan of two arrays, reused across transfers, costs less than a new
 * Map per transfer (which showed as a large share of the membrane's allocations); a Map takes over for big graphs.
 */
class Seen {
  private static readonly SMALL = 32;
  private readonly sources: Array<object | undefined> = new Array(Seen.SMALL).fill(undefined);
  private readonly copies: unknown[] = new Array(Seen.SMALL).fill(undefined);
  private size = 0;
  private map: Map<object, unknown> | null = null;

  get(source: object): unknown {
    if (this.map !== null) return this.map.get(source);
    const sources = this.sources;
    for (let i = 0; i < this.size; i++) if (sources[i] === source) return this.copies[i];
    return undefined;
  }

  set(source: object, copyOf: unknown): void {
    if (this.map === null && this.size < Seen.SMALL) {
      this.sources[this.size] = source;
      this.copies[this.size++] = copyOf;
      return;
    }
    if (this.map === null) {
      this.map = new Map();
      for (let i = 0; i < this.size; i++) this.map.set(this.sources[i]!, this.copies[i]);
    }
    this.map.set(source, copyOf);
  }

  /** Forgets everything (no reference to a copied value is kept once a transfer is over). */
  reset(): void {
    for (let i = 0; i < this.size; i++) {
      this.sources[i] = undefined;
      this.copies[i] = undefined;
    }
    this.size = 0;
    this.map = null;
  }
}

let idleSeen: Seen | null = new Seen();

function copy(value: unknown, from: Realm, to: Realm, mode: TransferMode, seen: Seen): unknown {
  if (value === null || value === undefined) return value;
  const type = typeof value;
  if (type === "symbol") throw new DataCloneError(`${String(value)} could not be cloned.`);
  if (type !== "object" && type !== "function") return value;
  const object = value as object;

  const info = stubs.get(object);
  if (info) {
    if (mode === "clone" || mode === "structuredClone") {
      throw new DataCloneError("A stub (a function or RPC object from another worker) could not be cloned.");
    }
    if (mode === "env" && info.kind !== "service") throw envError();
    return rebind(info, to);
  }
  if (type === "function") {
    if (mode !== "rpc") throw mode === "env" ? envError() : new DataCloneError(`${describeFunction(object)} could not be cloned.`);
    return functionStub(object as (...args: unknown[]) => unknown, from, to);
  }
  const already = seen.get(object);
  if (already !== undefined) return already;

  const { intrinsics } = to;
  // Arrays first: an array has none of the internal slots checked below (nor does a Proxy of one), so the order
  // changes nothing, and arrays are common in the data that crosses.
  if (Array.isArray(object)) {
    const out = remember(seen, object, new intrinsics.Array<unknown>());
    for (let i = 0; i < object.length; i++) out[i] = copy(object[i], from, to, mode, seen);
    return out;
  }
  if (types.isNativeError(object)) return rebuildError(object as Error, to, mode === "rpc" ? from : undefined);
  if (types.isDate(object)) return remember(seen, object, new intrinsics.Date((object as Date).getTime()));
  if (types.isRegExp(object)) {
    const re = object as RegExp;
    return remember(seen, object, new intrinsics.RegExp(re.source, re.flags));
  }
  if (types.isMap(object)) {
    const out = remember(seen, object, new intrinsics.Map());
    for (const [k, v] of object as Map<unknown, unknown>) out.set(copy(k, from, to, mode, seen), copy(v, from, to, mode, seen));
    return out;
  }
  if (types.isSet(object)) {
    const out = remember(seen, object, new intrinsics.Set());
    for (const v of object as Set<unknown>) out.add(copy(v, from, to, mode, seen));
    return out;
  }
  if (types.isArrayBuffer(object)) {
    const source = object as ArrayBuffer;
    const out = remember(seen, object, new intrinsics.ArrayBuffer(source.byteLength));
    new Uint8Array(out).set(new Uint8Array(source));
    return out;
  }
  if (ArrayBuffer.isView(object)) {
    const view = object as ArrayBufferView;
    // A tight copy of the viewed bytes (WF-20), rebuilt as the same view type in the receiving realm.
    const bytes = new intrinsics.ArrayBuffer(view.byteLength);
    new Uint8Array(bytes).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    if (types.isDataView(object)) return remember(seen, object, new intrinsics.DataView(bytes));
    const Ctor = intrinsics.byName[typedArrayName(view)] as new (b: ArrayBuffer) => unknown;
    return remember(seen, object, new Ctor(bytes));
  }
  if (isPlainObject(object)) {
    const out = remember(seen, object, new intrinsics.Object() as Record<string, unknown>);
    for (const key of Object.keys(object)) out[key] = copy((object as Record<string, unknown>)[key], from, to, mode, seen);
    return out;
  }
  if (mode === "structuredClone" && !rpcTargetBase(object) && !types.isPromise(object) && typeof (object as { then?: unknown }).then !== "function") {
    const out = remember(seen, object, new intrinsics.Object() as Record<string, unknown>);
    for (const key of Object.keys(object)) out[key] = copy((object as Record<string, unknown>)[key], from, to, mode, seen);
    return out;
  }
  if (rpcTargetBase(object)) {
    if (mode === "rpc") return objectStub(object, from, to);
    if (mode === "env") throw envError();
    throw new DataCloneError("An RpcTarget could not be cloned.");
  }
  if ((mode === "rpc" || mode === "env") && PASS_THROUGH.some((Ctor) => object instanceof Ctor)) return object;
  if (types.isPromise(object) || typeof (object as { then?: unknown }).then === "function") {
    throw new DataCloneError("A Promise could not be cloned: await it before returning or passing it.");
  }
  throw new DataCloneError(
    `Could not serialize object of type "${object.constructor?.name ?? "Object"}". This type does not support serialization.`,
  );
}

function remember<T>(seen: Seen, source: object, copyOf: T): T {
  seen.set(source, copyOf);
  return copyOf;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  // workerd's serializer treats a null-prototype object as a host object it cannot clone.
  if (proto === null) return false;
  // Any realm's Object.prototype: its own prototype is null and its constructor is called Object.
  return Object.getPrototypeOf(proto) === null && typeof proto.constructor === "function" && proto.constructor.name === "Object";
}

function typedArrayName(view: ArrayBufferView): string {
  return Object.prototype.toString.call(view).slice(8, -1);
}

function describeFunction(fn: object): string {
  const source = Function.prototype.toString.call(fn);
  return source.length > 60 ? `${source.slice(0, 57)}...` : source;
}

function envError(): Error {
  // WL-12, verbatim from workerd.
  return new DataCloneError(
    "Dynamic 'env' contains one or more objects that are not supported for use in 'env', although they would be supported in 'props'.",
  );
}

const BUILT_IN_ERRORS = new Set(["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"]);

/**
 * Rebuilds an error in `to`, keeping message and stack. `sender` is the realm that serialised it across RPC; without
 * one (not RPC) the name is kept. Across RPC, as observed on workerd (miniflare 4.20260730) for every combination of
 * `enhanced_error_serialization` (the default from 2026-04-21):
 *
 * | sender   | receiver | arrives as              |
 * |----------|----------|-------------------------|
 * | any      | legacy   | `Error`, "Name: message" |
 * | legacy   | enhanced | `Error`, "message"       |
 * | enhanced | enhanced | `Name`, "message"        |
 *
 * Built-in error types keep their names everywhere, and so does `DataCloneError` (a DOMException in workerd).
 */
export function rebuildError(error: Error, to: Realm, sender?: Realm): Error {
  let name = String(error.name ?? "Error");
  let message = String(error.message ?? "");
  if (sender && !BUILT_IN_ERRORS.has(name) && name !== "DataCloneError") {
    if (!to.preservesErrorNames) {
      message = message === "" ? name : `${name}: ${message}`;
      name = "Error";
    } else if (!sender.preservesErrorNames) {
      name = "Error";
    }
  }
  const Ctor = (to.intrinsics.byName[name] as ErrorConstructor | undefined) ?? to.intrinsics.Error;
  const rebuilt = withoutOwnFrames(to, () => new Ctor(message));
  if (rebuilt.name !== name) Object.defineProperty(rebuilt, "name", { value: name, writable: true, configurable: true });
  pendingStacks.set(rebuilt, error);
  Object.defineProperty(rebuilt, "stack", LAZY_STACK);
  return rebuilt;
}

/**
 * Builds an error whose own stack frames are not captured: the rebuilt error shows the original's stack instead, and
 * V8 formats the frames it captured when `stack` is redefined (with source maps on, that showed as ~3% of a fuzz
 * run). `Error.stackTraceLimit` of the realm that builds the error is set to 0 for the call and restored; if worker
 * code made it unwritable, the frames are captured as before.
 */
function withoutOwnFrames(realm: Realm, build: () => Error): Error {
  const ErrorCtor = realm.intrinsics.Error as unknown as { stackTraceLimit?: number };
  const had = Object.prototype.hasOwnProperty.call(ErrorCtor, "stackTraceLimit");
  const limit = ErrorCtor.stackTraceLimit;
  try {
    ErrorCtor.stackTraceLimit = 0;
  } catch {
    return build();
  }
  try {
    return build();
  } finally {
    if (had) ErrorCtor.stackTraceLimit = limit;
    else delete ErrorCtor.stackTraceLimit;
  }
}

/**
 * A rebuilt error shows the original's stack, read the first time someone asks. Formatting a stack is the costly
 * part of an error (with source maps on, as under tsx, every frame is mapped: ~5% of a fuzz run when done eagerly),
 * and most errors that cross realms (planned step failures, retries) are never printed. One shared accessor pair
 * and a WeakMap, not closures per error.
 */
const pendingStacks = new WeakMap<object, Error>();
const LAZY_STACK: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: Error) {
    const original = pendingStacks.get(this);
    pendingStacks.delete(this);
    const stack = original?.stack;
    // An original without a string stack (replaced by its code) leaves the rebuilt error's own header.
    const value = typeof stack === "string" ? stack : `${this.name}: ${this.message}`;
    Object.defineProperty(this, "stack", { value, writable: true, configurable: true });
    return value;
  },
  set(this: Error, value: unknown) {
    pendingStacks.delete(this);
    Object.defineProperty(this, "stack", { value, writable: true, configurable: true });
  },
};

/**
 * Runs `thunk` inside `owner` on behalf of `caller`, then brings its result (or error) back into `caller`.
 * Arguments must be transferred inside `thunk`, so a clone failure rejects the call like it does in workerd.
 */
export function invoke(owner: Realm, caller: Realm, thunk: () => unknown): Promise<unknown> {
  const scope = executionScope.getStore();
  const fromOutside = !scope && caller === Realm.host();
  if (fromOutside && !owner.alive) {
    return Promise.reject(new Error(`The worker "${owner.label}" was terminated before this call (emulated crash).`));
  }
  if (!owner.alive || !caller.alive || (scope && !scope.alive)) return never();
  rpcActivity.calls++;
  const lease = owner.enter(scope);
  // `thunk` runs synchronously, its result is awaited, then brought back. Written with one `then` rather than an
  // async function: the same turns of the microtask queue, with fewer promises and no suspended frame per call.
  let call: Promise<unknown>;
  try {
    call = Promise.resolve(thunk()).then(
      (result) => {
        owner.leave(lease);
        if (!stillWanted(owner, caller, scope)) return never();
        try {
          return transfer(result, owner, caller, "rpc");
        } catch (error) {
          throw failure(error, owner, caller);
        }
      },
      (error) => {
        owner.leave(lease);
        if (!stillWanted(owner, caller, scope)) return never();
        throw failure(error, owner, caller);
      },
    );
  } catch (error) {
    owner.leave(lease);
    if (!stillWanted(owner, caller, scope)) call = never();
    else {
      try {
        call = Promise.reject(failure(error, owner, caller));
      } catch (unsendable) {
        call = Promise.reject(unsendable); // a thrown value that cannot cross (DataCloneError)
      }
    }
  }
  // The result is a host promise handed to worker code: if the worker drops it and it rejects (even with a
  // primitive, which has no realm to recognise it by), it is that worker's unhandled rejection, logged, not the host's.
  if (!fromOutside) return caller === Realm.host() ? call : adoptPromise(call, caller);
  // A request from outside (the harness, a test) fails like an HTTP request to a crashed runtime would,
  // instead of hanging: code inside the emulator just stops, but the outside world gets an answer.
  return new Promise((resolve, reject) => {
    const unsubscribe = owner.onDeath(() =>
      reject(new Error(`The worker "${owner.label}" was terminated while handling this call (emulated crash).`)),
    );
    // Unsubscribed in both handlers rather than with `.finally`: two promises fewer per request from outside.
    call.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}

/** An error thrown in `owner`, as the caller receives it. */
function failure(error: unknown, owner: Realm, caller: Realm): unknown {
  return types.isNativeError(error) ? rebuildError(error as Error, caller, owner) : transfer(error, owner, caller, "rpc");
}

/** A result from a realm that died meanwhile, or for a caller or execution that died, goes nowhere. */
function stillWanted(owner: Realm, caller: Realm, scope: Liveness | undefined): boolean {
  return owner.alive && caller.alive && (!scope || scope.alive);
}

function transferArgs(args: unknown[], from: Realm, to: Realm): unknown[] {
  return args.map((arg) => transfer(arg, from, to, "rpc"));
}

/**
 * Serialises call arguments on the caller's side: a value that cannot be sent fails the call with the caller's own
 * error (its name kept, as workerd's DataCloneError is), before anything reaches the callee.
 */
export function sendArgs(args: unknown[], caller: Realm, owner: Realm): { ok: true; args: unknown[] } | { ok: false; error: Promise<never> } {
  try {
    return { ok: true, args: transferArgs(args, caller, owner) };
  } catch (error) {
    return { ok: false, error: Promise.reject(types.isNativeError(error) ? rebuildError(error as Error, caller) : error) };
  }
}

function rebind(info: StubInfo, caller: Realm): unknown {
  switch (info.kind) {
    case "function":
      return info.owner === caller ? info.target : functionStub(info.target, info.owner, caller);
    case "object":
      return info.owner === caller ? info.target : objectStub(info.target, info.owner, caller);
    case "service":
      return serviceStub(info.target, caller);
  }
}

/*
 * Why stubs are built from classes and precompiled factories rather than closures: stubs are made for every call
 * that crosses a realm, and under tsx (npm start, fuzz, bench) esbuild's keepNames wraps every named closure in
 * `__name(fn, "x")`, a defineProperty that turns each one into a dictionary-mode function (~300 bytes and a slow
 * path). Prototype methods and functions compiled by `new Function` are not wrapped. Shapes seen by worker code are
 * unchanged: a fresh callable target per stub, named as before.
 */
const stubTarget = {
  function: new Function("return function rpcFunctionStub() {}") as () => () => void,
  object: new Function("return function rpcObjectStub() {}") as () => () => void,
  service: new Function("return function rpcServiceStub() {}") as () => () => void,
};

class FunctionStubHandler {
  constructor(
    private readonly fn: (...args: unknown[]) => unknown,
    private readonly owner: Realm,
    private readonly caller: Realm,
  ) {}

  apply(_target: unknown, _this: unknown, args: unknown[]): unknown {
    const sent = sendArgs(args, this.caller, this.owner);
    if (!sent.ok) return sent.error;
    const fn = this.fn;
    return invoke(this.owner, this.caller, () => fn(...sent.args));
  }

  get(target: object, prop: string | symbol): unknown {
    return prop === "then" ? undefined : Reflect.get(target, prop);
  }
}

function functionStub(fn: (...args: unknown[]) => unknown, owner: Realm, caller: Realm): unknown {
  const stub = new Proxy(stubTarget.function(), new FunctionStubHandler(fn, owner, caller) as ProxyHandler<() => void>);
  stubs.set(stub, { kind: "function", target: fn, owner });
  return stub;
}

/** Members of an RpcTarget reachable over RPC: those on prototypes below the RpcTarget base, never own fields. */
function reachable(target: object, member: string): boolean {
  const base = rpcTargetBase(target);
  for (let proto = Object.getPrototypeOf(target); proto && proto !== base; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, member)) return true;
  }
  return false;
}

/**
 * How each member function reads its property (`await stub.p`); see MEMBER_PROTOTYPE. A symbol-keyed property,
 * not a WeakMap: members are made on every property read of a stub, and a WeakMap entry each cost ~8x more.
 */
const MEMBER_READ = Symbol("rpc member read");

/**
 * `then` of every member function, inherited rather than an own property: one shared method instead of a closure
 * and a property store per member (members are made on every property read of a stub).
 */
const MEMBER_PROTOTYPE: object = Object.create(Function.prototype, {
  then: {
    value(this: object, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      return (this as { [MEMBER_READ]: () => Promise<unknown> })[MEMBER_READ]().then(onFulfilled, onRejected);
    },
    writable: true,
    configurable: true,
  },
});

/** A callable that is also awaitable: `stub.m(...)` calls the method, `await stub.p` reads the property. */
function member(call: (args: unknown[]) => Promise<unknown>, read: () => Promise<unknown>): unknown {
  const fn = Object.setPrototypeOf((...args: unknown[]) => call(args), MEMBER_PROTOTYPE) as { [MEMBER_READ]: unknown };
  fn[MEMBER_READ] = read;
  return fn;
}

class ObjectStubHandler {
  constructor(
    private readonly target: object,
    private readonly owner: Realm,
    private readonly caller: Realm,
  ) {}

  apply(): never {
    throw new TypeError("An RPC stub of an object is not callable.");
  }

  get(_t: unknown, prop: string | symbol): unknown {
    if (prop === "then" || typeof prop === "symbol") return symbolMember(prop);
    const { target, owner, caller } = this;
    return member(
      (args) => {
        const sent = sendArgs(args, caller, owner);
        if (!sent.ok) return sent.error;
        return invoke(owner, caller, () => {
          if (!reachable(target, prop)) throw new TypeError(`The RPC receiver does not implement the method "${prop}".`);
          const method = (target as Record<string, unknown>)[prop];
          if (typeof method !== "function") throw new TypeError(`"${prop}" is not a method of the RPC receiver.`);
          return method.apply(target, sent.args);
        });
      },
      () => invoke(owner, caller, () => (reachable(target, prop) ? (target as Record<string, unknown>)[prop] : undefined)),
    );
  }
}

function objectStub(target: object, owner: Realm, caller: Realm): unknown {
  const stub = new Proxy(stubTarget.object(), new ObjectStubHandler(target, owner, caller) as ProxyHandler<() => void>);
  stubs.set(stub, { kind: "object", target, owner });
  return stub;
}

class ServiceStubHandler {
  constructor(
    private readonly target: ServiceTarget,
    private readonly caller: Realm,
  ) {}

  apply(): never {
    throw new TypeError(`${this.target.label} is not callable; call one of its methods.`);
  }

  get(_t: unknown, prop: string | symbol): unknown {
    if (prop === "then" || typeof prop === "symbol") return symbolMember(prop);
    const { target, caller } = this;
    if (prop === "fetch" || prop === "connect") return (...args: unknown[]) => target.call(prop, args, caller);
    return member(
      (args) => target.call(prop, args, caller),
      () => target.read(prop, caller),
    );
  }
}

export function serviceStub(target: ServiceTarget, caller: Realm): unknown {
  const stub = new Proxy(stubTarget.service(), new ServiceStubHandler(target, caller) as ProxyHandler<() => void>);
  stubs.set(stub, { kind: "service", target });
  return stub;
}

/** `then` must be undefined (a stub is not a promise); `using` and `Symbol.dispose` are accepted and do nothing. */
function symbolMember(prop: string | symbol): unknown {
  if (prop === (Symbol as { dispose?: symbol }).dispose || prop === (Symbol as { asyncDispose?: symbol }).asyncDispose) {
    return () => {};
  }
  return undefined;
}
