/**
 * One Durable Object class of the dispatcher: its namespace as worker code sees it (`env.X`, `ctx.exports.X`:
 * idFromName, idFromString, newUniqueId, get, getByName), its stubs (fetch and RPC methods, `id`, `name`), its live
 * instances (memory) and their storage and alarms (durable).
 *
 * Instances run in the dispatcher's isolate, constructed on first call as `new Class(ctx, env)`. Memory and storage
 * follow the engine's rule: `evict()` and a crash drop the instances (their fields, their timers) and keep every
 * object's storage and alarm; the next call constructs a fresh instance over the same storage, and `recover()` re-arms
 * the stored alarms. Not emulated: input/output gates (calls into one object interleave at every await) and
 * `blockConcurrencyWhile` (it just runs its callback).
 * Spec: https://developers.cloudflare.com/durable-objects/api/namespace/, …/api/stub/, …/api/state/, …/api/alarms/
 */
import type { Clock, TimerHandle } from "../clock.ts";
import { invoke, sendArgs } from "../runtime/invoke.ts";
import { Realm } from "../runtime/realm.ts";
import { serviceStub, type ServiceTarget } from "../runtime/rpc-stubs.ts";
import { adoptPromise } from "../runtime/unhandled-rejections.ts";
import type { WorkerIsolate } from "../runtime/worker-isolate.ts";
import type { Trace } from "../trace.ts";
import { syncBindingCall } from "./binding-call.ts";
import { DurableObjectId } from "./durable-object-id.ts";
import { DurableObjectStorage, type StoredObject } from "./durable-object-storage.ts";

export interface NamespaceHost {
  readonly clock: Clock;
  readonly trace: Trace;
  /** The dispatcher's isolate (started if needed): where instances run. */
  dispatcher(): WorkerIsolate;
  /** 64 hex digits, seeded. */
  newUniqueHex(): string;
}

/** Alarm retries: workerd retries a failed alarm() with exponential backoff from 2 s, up to 6 times. */
const ALARM_RETRIES = 6;
const ALARM_FIRST_BACKOFF_MS = 2_000;

interface LiveInstance {
  isolate: WorkerIsolate;
  object: Record<string, unknown>;
}

export class DurableObjectNamespace {
  /** Durable: every object's storage and alarm, by id. */
  private readonly stored = new Map<string, StoredObject>();
  /** Memory: constructed instances and armed alarm timers. */
  private readonly live = new Map<string, LiveInstance>();
  private readonly alarmTimers = new Map<string, TimerHandle>();

  constructor(
    readonly className: string,
    private readonly host: NamespaceHost,
  ) {}

  /** The namespace object for code in `caller`. */
  binding(caller: Realm): object {
    const sync = <T>(body: () => T) => syncBindingCall(caller, body);
    return {
      idFromName: (name: unknown) => sync(() => DurableObjectId.fromName(this.className, String(name))),
      idFromString: (hex: unknown) => sync(() => DurableObjectId.fromString(hex)),
      newUniqueId: () => sync(() => DurableObjectId.fromString(this.host.newUniqueHex())),
      get: (id: unknown) => sync(() => this.stub(this.checkId(id), caller)),
      getByName: (name: unknown) =>
        sync(() => this.stub(DurableObjectId.fromName(this.className, String(name)), caller)),
      jurisdiction: () => sync(() => this.binding(caller)),
    };
  }

  /** Drops live instances (all, or the given ids): their memory is gone, their storage stays. */
  evict(ids?: readonly string[]): string[] {
    const dropped = [...this.live.keys()].filter((id) => !ids || ids.includes(id));
    for (const id of dropped) this.live.delete(id);
    return dropped;
  }

  /** A crash: every instance and alarm timer is memory. */
  crash(): void {
    this.live.clear();
    for (const timer of this.alarmTimers.values()) timer.cancel();
    this.alarmTimers.clear();
  }

  /** After a crash: stored alarms are durable and fire again. */
  recover(): void {
    for (const [id, stored] of this.stored) {
      if (stored.alarm === null && stored.firing !== null) stored.alarm = stored.firing;
      stored.firing = null;
      this.armAlarm(id);
    }
  }

  /** Ids with storage, for tests and introspection. */
  storedIds(): string[] {
    return [...this.stored.keys()];
  }

  private checkId(id: unknown): DurableObjectId {
    if (!(id instanceof DurableObjectId))
      throw new TypeError("get() expects a DurableObjectId from idFromName, idFromString or newUniqueId.");
    return id;
  }

  private stub(id: DurableObjectId, caller: Realm): unknown {
    return serviceStub(new ObjectTarget(this, id), caller);
  }

  storedObject(id: string): StoredObject {
    let stored = this.stored.get(id);
    if (!stored) {
      stored = { data: new Map(), alarm: null, firing: null, retries: 0 };
      this.stored.set(id, stored);
    }
    return stored;
  }

  /** The live instance of `id` in the dispatcher's current isolate, constructed if needed. */
  instance(id: DurableObjectId): LiveInstance {
    const isolate = this.host.dispatcher();
    const key = id.toString();
    const existing = this.live.get(key);
    if (existing && existing.isolate === isolate) return existing;
    const Class = isolate.exports[this.className] as new (ctx: unknown, env: unknown) => Record<string, unknown>;
    if (typeof Class !== "function") throw new TypeError(`The dispatcher no longer exports a class ${this.className}.`);
    const realm = isolate.realm;
    const ctx = new realm.intrinsics.Object() as Record<string, unknown>;
    ctx.id = id;
    ctx.storage = new DurableObjectStorage(this.storedObject(key), realm, {
      hasAlarmHandler: () => typeof Class.prototype?.alarm === "function",
      alarmChanged: () => this.armAlarm(key),
    });
    ctx.exports = isolate.ctxExports;
    ctx.waitUntil = (promise: unknown) => void Promise.resolve(promise).catch(() => {});
    ctx.blockConcurrencyWhile = (callback: () => unknown) => Promise.resolve().then(callback);
    ctx.abort = () => {};
    const live = { isolate, object: new Class(ctx, isolate.env) };
    this.live.set(key, live);
    this.host.trace.record({ type: "durableObject.start", className: this.className, id: key, name: id.name });
    return live;
  }

  /** The realm instances run in (the dispatcher's isolate, started if needed). */
  realm(): Realm {
    return this.host.dispatcher().realm;
  }

  private armAlarm(key: string): void {
    this.alarmTimers.get(key)?.cancel();
    this.alarmTimers.delete(key);
    const at = this.stored.get(key)?.alarm;
    if (at === null || at === undefined) return;
    this.alarmTimers.set(
      key,
      this.host.clock.at(at, () => this.fireAlarm(key, at)),
    );
  }

  private fireAlarm(key: string, scheduledAt: number): void {
    this.alarmTimers.delete(key);
    const stored = this.storedObject(key);
    if (stored.alarm !== scheduledAt) return; // re-set or deleted meanwhile
    let isolate: WorkerIsolate;
    try {
      isolate = this.host.dispatcher();
    } catch {
      return; // disposed
    }
    // getAlarm() reads null while the handler runs, as on the runtime (the handler may set the next alarm); the
    // firing is durable until it ends, so a crash in the middle fires it again after recovery.
    stored.alarm = null;
    stored.firing = scheduledAt;
    const retryCount = stored.retries;
    const id = DurableObjectId.fromString(key);
    const outcome = invoke(isolate.realm, Realm.host(), () => {
      const { object } = this.instance(id);
      const info = new isolate.realm.intrinsics.Object() as Record<string, unknown>;
      info.retryCount = retryCount;
      info.isRetry = retryCount > 0;
      return (object.alarm as (info: unknown) => unknown).call(object, info);
    });
    const record = (ok: boolean, error?: string) =>
      this.host.trace.record({
        type: "durableObject.alarm",
        className: this.className,
        id: key,
        ok,
        retryCount,
        error,
      });
    outcome.then(
      () => {
        record(true);
        stored.firing = null;
        stored.retries = 0;
      },
      (error: unknown) => {
        if (!isolate.realm.alive) return; // a crash: recover() fires it again
        record(false, String(error));
        stored.firing = null;
        if (retryCount >= ALARM_RETRIES || stored.alarm !== null) {
          stored.retries = 0;
          return;
        }
        stored.retries = retryCount + 1;
        stored.alarm = this.host.clock.now() + ALARM_FIRST_BACKOFF_MS * 2 ** retryCount;
        this.armAlarm(key);
      },
    );
  }
}

/** One object reached through a stub: each call finds (or constructs) its live instance in the dispatcher. */
class ObjectTarget implements ServiceTarget {
  readonly label: string;
  readonly properties: Readonly<Record<string, unknown>>;

  constructor(
    private readonly namespace: DurableObjectNamespace,
    private readonly id: DurableObjectId,
  ) {
    this.label = `Durable Object ${namespace.className} ${id.name ?? id.toString()}`;
    this.properties = { id, name: id.name };
  }

  call(member: string, args: unknown[], caller: Realm): Promise<unknown> {
    const result = this.callIn(member, args, caller);
    return caller === Realm.host() ? result : adoptPromise(result, caller);
  }

  private async callIn(member: string, args: unknown[], caller: Realm): Promise<unknown> {
    const realm = this.namespace.realm();
    const sent = sendArgs(args, caller, realm);
    if (!sent.ok) return sent.error;
    return invoke(realm, caller, () => {
      const { object } = this.namespace.instance(this.id);
      if (member === "fetch") {
        if (typeof object.fetch !== "function") throw new TypeError("Handler does not export a fetch() function.");
        const [input, init] = sent.args;
        const request = input instanceof Request ? input : new Request(input as string, init as RequestInit);
        return (object.fetch as (r: Request) => unknown).call(object, request);
      }
      if (!reachable(object, member, realm))
        throw new TypeError(`The RPC receiver does not implement the method "${member}".`);
      return (object[member] as (...a: unknown[]) => unknown).apply(object, sent.args);
    });
  }

  async read(member: string, caller: Realm): Promise<unknown> {
    const realm = this.namespace.realm();
    return invoke(realm, caller, () => {
      const { object } = this.namespace.instance(this.id);
      return reachable(object, member, realm) ? object[member] : undefined;
    });
  }
}

/** RPC reaches methods of the class (its prototypes below the runtime's DurableObject), never own fields. */
function reachable(object: object, member: string, realm: Realm): boolean {
  const base = (realm.runtime.DurableObject as unknown as { prototype: object }).prototype;
  // Up to the DurableObject base, or up to (not including) an Object.prototype of any realm.
  for (let proto = Object.getPrototypeOf(object); proto && proto !== base && Object.getPrototypeOf(proto) !== null; ) {
    if (Object.hasOwn(proto, member) && member !== "constructor") return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}
