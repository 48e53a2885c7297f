/**
 * `env.<KV>` as worker code sees it (a `KVNamespace`): get (text, json, arrayBuffer, stream; one key or up to 100),
 * getWithMetadata, put (expiration, expirationTtl, metadata), delete, list (prefix, limit, cursor). Built per realm:
 * arguments are read from the caller's realm, results are values of its realm, errors its own errors.
 * Spec: https://developers.cloudflare.com/kv/api/read-key-value-pairs/, …/write-key-value-pairs/,
 * …/delete-key-value-pairs/, …/list-keys/.
 */
import { Realm } from "../runtime/realm.ts";
import { transfer } from "../runtime/transfer.ts";
import { bindingCall } from "./binding-call.ts";
import { bodyBytes, bytesForRealm, bytesStream } from "./body-bytes.ts";
import { type KvEntry, type KvStore, MAX_BULK_GET_KEYS } from "./kv-store.ts";

type ValueType = "text" | "json" | "arrayBuffer" | "stream";
const TYPES = new Set<string>(["text", "json", "arrayBuffer", "stream"]);

export class KvBinding {
  constructor(
    private readonly store: KvStore,
    private readonly caller: Realm,
  ) {}

  get(key: unknown, options?: unknown): Promise<unknown> {
    return this.read(key, options, false);
  }

  getWithMetadata(key: unknown, options?: unknown): Promise<unknown> {
    return this.read(key, options, true);
  }

  put(key: unknown, value: unknown, options?: unknown): Promise<unknown> {
    const opts = (options ?? {}) as { expiration?: unknown; expirationTtl?: unknown; metadata?: unknown };
    return bindingCall(
      this.caller,
      async () => {
        const metadata =
          opts.metadata === undefined ? undefined : transfer(opts.metadata, this.caller, Realm.host(), "clone");
        const bytes = await bodyBytes(value, "kv");
        this.store.write(String(key), bytes, { ...opts, metadata });
      },
      () => undefined,
    );
  }

  delete(key: unknown): Promise<unknown> {
    return bindingCall(
      this.caller,
      () => this.store.remove(String(key)),
      () => undefined,
    );
  }

  list(options?: unknown): Promise<unknown> {
    const opts = (options ?? {}) as { prefix?: unknown; limit?: unknown; cursor?: unknown };
    return bindingCall(this.caller, () => this.store.list(opts));
  }

  private read(key: unknown, options: unknown, withMetadata: boolean): Promise<unknown> {
    const realm = this.caller;
    const shape = (value: unknown, entry: KvEntry | undefined) => {
      if (!withMetadata) return value;
      // Built in the caller's realm, in the order the runtime's object has its keys.
      const out = new realm.intrinsics.Object() as Record<string, unknown>;
      out.value = value;
      out.metadata =
        entry?.metadata === undefined ? null : transfer(JSON.parse(entry.metadata), Realm.host(), realm, "clone");
      out.cacheStatus = null;
      return out;
    };
    if (Array.isArray(key)) {
      const names = key.map(String);
      return bindingCall(
        realm,
        () => {
          const { type, cacheTtl } = readOptions(options);
          if (type !== "text" && type !== "json")
            throw new TypeError(`"${type}" is not a valid type. Use "json" or "text" to get several keys at once.`);
          if (names.length > MAX_BULK_GET_KEYS)
            throw new Error(`KV GET_BULK failed: 400 You can request a maximum of ${MAX_BULK_GET_KEYS} keys`);
          return { type, entries: names.map((name) => [name, this.store.read(name, "GET", cacheTtl)] as const) };
        },
        ({ type, entries }) => {
          const map = new realm.intrinsics.Map<string, unknown>();
          for (const [name, entry] of entries) map.set(name, shape(entry ? decode(entry, type, realm) : null, entry));
          return map;
        },
      );
    }
    return bindingCall(
      realm,
      () => {
        const { type, cacheTtl } = readOptions(options);
        return { type, entry: this.store.read(String(key), "GET", cacheTtl) };
      },
      ({ type, entry }) => shape(entry ? decode(entry, type, realm) : null, entry),
    );
  }
}

function readOptions(options: unknown): { type: ValueType; cacheTtl?: unknown } {
  const given =
    typeof options === "string" ? { type: options } : ((options ?? {}) as { type?: unknown; cacheTtl?: unknown });
  const type = given.type === undefined ? "text" : String(given.type);
  if (!TYPES.has(type)) {
    throw new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
  }
  return { type: type as ValueType, cacheTtl: given.cacheTtl };
}

function decode(entry: KvEntry, type: ValueType, realm: Realm): unknown {
  switch (type) {
    case "text":
      return new TextDecoder().decode(entry.value);
    case "json":
      // The caller's JSON.parse: its objects, its SyntaxError with V8's wording.
      return (realm.context ? (realm.context as { JSON: JSON }).JSON : JSON).parse(
        new TextDecoder().decode(entry.value),
      );
    case "arrayBuffer":
      return bytesForRealm(entry.value, realm.intrinsics);
    case "stream":
      return bytesStream(entry.value);
  }
}
