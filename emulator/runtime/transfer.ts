/**
 * Every value that crosses from one realm to another (host engine, dispatcher isolate, tenant isolates) goes through
 * `transfer`, as workerd's RPC and storage serialise it:
 *
 * - data is structured-cloned INTO the receiving realm (rebuilt with that realm's constructors, so `instanceof`
 *   works there); values that cannot be cloned throw `DataCloneError`;
 * - functions and `RpcTarget` instances cross by reference, as stubs (rpc-stubs.ts);
 * - errors keep `name` and `message` and are rebuilt with the receiving realm's constructors (rebuild-error.ts).
 *
 * Calls across realms go through `invoke` (invoke.ts), which uses `transfer` for arguments and results.
 */
import { types } from "node:util";
import { DataCloneError } from "../lib/errors.ts";
import { type Realm, rpcTargetBase } from "./realm.ts";
import { rebuildError } from "./rebuild-error.ts";
import { sendStream } from "./rpc-stream.ts";
import { functionStub, objectStub, rebindStub, stubInfoOf } from "./rpc-stubs.ts";

/**
 * - `rpc`: arguments and results of calls (functions and RpcTargets become stubs);
 * - `env`: a dynamic worker's `env` (WL-12: data and service stubs only);
 * - `clone`: what storage and RPC-serialised data accept: no functions, no stubs, no class instances;
 * - `structuredClone`: the HTML algorithm behind the global `structuredClone()`: class instances are copied as
 *   plain objects of their own enumerable properties.
 */
export type TransferMode = "rpc" | "env" | "clone" | "structuredClone";

/** Web platform objects shared by all realms (see realm.ts SHARED_GLOBALS): they pass through RPC unchanged. */
const PASS_THROUGH: Array<abstract new (...args: any[]) => unknown> = [
  Request,
  Response,
  Headers,
  ReadableStream,
  Blob,
  URL,
];

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

  const info = stubInfoOf(object);
  if (info) {
    if (mode === "clone" || mode === "structuredClone") {
      throw new DataCloneError("A stub (a function or RPC object from another worker) could not be cloned.");
    }
    if (mode === "env" && info.kind !== "service") throw envError();
    return rebindStub(info, to);
  }
  if (type === "function") {
    if (mode !== "rpc")
      throw mode === "env" ? envError() : new DataCloneError(`${describeFunction(object)} could not be cloned.`);
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
    for (const [k, v] of object as Map<unknown, unknown>)
      out.set(copy(k, from, to, mode, seen), copy(v, from, to, mode, seen));
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
    for (const key of Object.keys(object))
      out[key] = copy((object as Record<string, unknown>)[key], from, to, mode, seen);
    return out;
  }
  if (
    mode === "structuredClone" &&
    !rpcTargetBase(object) &&
    !types.isPromise(object) &&
    typeof (object as { then?: unknown }).then !== "function"
  ) {
    const out = remember(seen, object, new intrinsics.Object() as Record<string, unknown>);
    for (const key of Object.keys(object))
      out[key] = copy((object as Record<string, unknown>)[key], from, to, mode, seen);
    return out;
  }
  if (rpcTargetBase(object)) {
    if (mode === "rpc") return objectStub(object, from, to);
    if (mode === "env") throw envError();
    throw new DataCloneError("An RpcTarget could not be cloned.");
  }
  // A stream crosses as workerd's RPC sends one: a byte stream, refused when locked (rpc-stream.ts).
  if (mode === "rpc" && from !== to && object instanceof ReadableStream) return sendStream(object);
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
  return (
    Object.getPrototypeOf(proto) === null &&
    typeof proto.constructor === "function" &&
    proto.constructor.name === "Object"
  );
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
