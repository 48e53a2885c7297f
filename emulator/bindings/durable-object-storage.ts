/**
 * `ctx.storage` of a Durable Object: the key-value API (get/put/delete one or many, deleteAll, list with start,
 * startAfter, end, prefix, reverse, limit) and one alarm (getAlarm/setAlarm/deleteAlarm). The data is the host's
 * `StoredObject` (durable: a crash or an eviction keeps it); values are structured-cloned in and out, as the runtime
 * serialises them. SQL storage and the synchronous `ctx.storage.kv` API are refused with a clear error.
 * Spec: https://developers.cloudflare.com/durable-objects/api/legacy-kv-storage-api/, …/api/alarms/
 */
import { EmulatorUnsupportedError } from "../lib/errors.ts";
import { Realm } from "../runtime/realm.ts";
import { transfer } from "../runtime/transfer.ts";
import { bindingCall } from "./binding-call.ts";

/** What survives of one object: its key-value data and its alarm. */
export interface StoredObject {
  readonly data: Map<string, unknown>;
  /** Epoch ms (virtual), or null. */
  alarm: number | null;
  /** The alarm whose handler is running (durable: a crash mid-handler fires it again), or null. */
  firing: number | null;
  /** Failed runs of the current alarm so far (alarm retries). */
  retries: number;
}

export interface AlarmScheduler {
  /** Whether the object's class has an `alarm()` handler (setAlarm needs one). */
  hasAlarmHandler(): boolean;
  /** The stored alarm changed: (re)arm or cancel its timer. */
  alarmChanged(): void;
}

interface ListOptions {
  start?: unknown;
  startAfter?: unknown;
  end?: unknown;
  prefix?: unknown;
  reverse?: unknown;
  limit?: unknown;
}

export class DurableObjectStorage {
  constructor(
    private readonly stored: StoredObject,
    private readonly realm: Realm,
    private readonly alarms: AlarmScheduler,
  ) {}

  get(keys: unknown): Promise<unknown> {
    if (Array.isArray(keys)) {
      const names = keys.map(String);
      return this.call(() => {
        const found = new Map<string, unknown>();
        for (const name of names) if (this.stored.data.has(name)) found.set(name, this.stored.data.get(name));
        return found;
      });
    }
    const name = String(keys);
    return this.call(() => this.stored.data.get(name));
  }

  put(keyOrEntries: unknown, value?: unknown): Promise<unknown> {
    return this.call(() => {
      const entries =
        typeof keyOrEntries === "object" && keyOrEntries !== null
          ? Object.entries(keyOrEntries as Record<string, unknown>)
          : [[String(keyOrEntries), value] as [string, unknown]];
      if (typeof keyOrEntries !== "object" && value === undefined)
        throw new TypeError("put() called with undefined value.");
      const copies = entries.map(([key, item]) => [key, transfer(item, this.realm, Realm.host(), "clone")] as const);
      for (const [key, copy] of copies) this.stored.data.set(key, copy);
    }, false);
  }

  delete(keys: unknown): Promise<unknown> {
    return this.call(() => {
      if (!Array.isArray(keys)) return this.stored.data.delete(String(keys));
      return keys.filter((key) => this.stored.data.delete(String(key))).length;
    });
  }

  deleteAll(): Promise<unknown> {
    return this.call(() => this.stored.data.clear(), false);
  }

  list(options?: unknown): Promise<unknown> {
    const opts = (options ?? {}) as ListOptions;
    return this.call(() => {
      const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
      const [start, startAfter, end, prefix] = [
        text(opts.start),
        text(opts.startAfter),
        text(opts.end),
        text(opts.prefix),
      ];
      let keys = [...this.stored.data.keys()]
        .filter(
          (key) =>
            (start === undefined || key >= start) &&
            (startAfter === undefined || key > startAfter) &&
            (end === undefined || key < end) &&
            (prefix === undefined || key.startsWith(prefix)),
        )
        .sort();
      if (opts.reverse === true) keys.reverse();
      if (opts.limit !== undefined && opts.limit !== null) keys = keys.slice(0, Number(opts.limit));
      return new Map(keys.map((key) => [key, this.stored.data.get(key)]));
    });
  }

  getAlarm(): Promise<unknown> {
    return this.call(() => this.stored.alarm);
  }

  setAlarm(time: unknown): Promise<unknown> {
    return this.call(() => {
      if (!this.alarms.hasAlarmHandler())
        throw new TypeError("Your Durable Object class must have an alarm() handler in order to call setAlarm()");
      const at =
        typeof time === "number"
          ? time
          : Object.prototype.toString.call(time) === "[object Date]"
            ? +(time as Date)
            : NaN;
      if (!Number.isFinite(at))
        throw new TypeError("setAlarm() requires a Date or a number of milliseconds since the epoch.");
      this.stored.alarm = at;
      this.alarms.alarmChanged();
    }, false);
  }

  deleteAlarm(): Promise<unknown> {
    return this.call(() => {
      this.stored.alarm = null;
      this.alarms.alarmChanged();
    }, false);
  }

  /** Every write is durable as soon as its promise settles: nothing to flush. */
  sync(): Promise<unknown> {
    return this.call(() => undefined, false);
  }

  /** Runs `closure` with this storage as its transaction (writes are not rolled back if it throws). */
  transaction(closure: (txn: DurableObjectStorage) => unknown): Promise<unknown> {
    return Promise.resolve().then(() => closure(this));
  }

  get sql(): never {
    throw new EmulatorUnsupportedError(
      "ctx.storage.sql (SQLite-backed Durable Objects) is not supported by the emulator: use the key-value API " +
        "(get/put/delete/list), or run this subject on the workerd target.",
    );
  }

  private call(body: () => unknown, clone = true): Promise<unknown> {
    return bindingCall(this.realm, body, clone ? undefined : () => undefined);
  }
}
