/**
 * One Workers KV namespace's data, in the host: durable (a crash keeps it), read and written in virtual time.
 * Limits and error texts are the real runtime's as miniflare 4 (workerd's local KV service) words them; errors that
 * the runtime raises after an HTTP round trip read "KV <OP> failed: <status> <text>", as workerd's binding throws them.
 * Spec: https://developers.cloudflare.com/kv/api/ and /kv/platform/limits/.
 */
const MAX_KEY_BYTES = 512;
const MIN_EXPIRATION_TTL_SECONDS = 60;
const MIN_CACHE_TTL_SECONDS = 30;
const MAX_LIST_KEYS = 1000;
const MAX_METADATA_BYTES = 1024;
const MAX_VALUE_BYTES = 25 * 1024 * 1024;
export const MAX_BULK_GET_KEYS = 100;

export interface KvEntry {
  value: Uint8Array;
  /** Seconds since the epoch, as KV reports it. */
  expiration?: number;
  /** The metadata's JSON text (as KV stores it); parsed again on every read. */
  metadata?: string;
}

export interface KvListKey {
  name: string;
  expiration?: number;
  metadata?: unknown;
}

export interface KvListPage {
  keys: KvListKey[];
  list_complete: boolean;
  cursor?: string;
  cacheStatus: null;
}

/** An error the KV service answers with an HTTP status: worded as workerd's binding throws it. */
function serviceError(op: "GET" | "PUT" | "DELETE", status: number, text: string): Error {
  return new Error(`KV ${op} failed: ${status} ${text}`);
}

export class KvStore {
  private readonly entries = new Map<string, KvEntry>();

  constructor(private readonly now: () => number) {}

  /** The live entry for `key`, or undefined (an expired entry is gone, as KV reports it). */
  read(key: string, op: "GET" = "GET", cacheTtl?: unknown): KvEntry | undefined {
    validateKey(key, op);
    if (cacheTtl !== undefined) {
      const ttl = Number(cacheTtl);
      if (Number.isNaN(ttl) || ttl < MIN_CACHE_TTL_SECONDS) {
        throw serviceError(
          op,
          400,
          `Invalid cache_ttl of ${cacheTtl}. Cache TTL must be at least ${MIN_CACHE_TTL_SECONDS}.`,
        );
      }
    }
    return this.live(key);
  }

  write(
    key: string,
    value: Uint8Array,
    options: { expiration?: unknown; expirationTtl?: unknown; metadata?: unknown },
  ) {
    validateKey(key, "PUT");
    const now = Math.floor(this.now() / 1000);
    let expiration: number | undefined;
    if (options.expirationTtl !== undefined && options.expirationTtl !== null) {
      const ttl = Math.trunc(Number(options.expirationTtl)) || 0;
      if (ttl <= 0)
        throw serviceError("PUT", 400, `Invalid expiration_ttl of ${ttl}. Please specify integer greater than 0.`);
      if (ttl < MIN_EXPIRATION_TTL_SECONDS) {
        throw serviceError(
          "PUT",
          400,
          `Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${MIN_EXPIRATION_TTL_SECONDS}.`,
        );
      }
      expiration = now + ttl;
    } else if (options.expiration !== undefined && options.expiration !== null) {
      const at = Math.trunc(Number(options.expiration)) || 0;
      if (at <= now) {
        throw serviceError(
          "PUT",
          400,
          `Invalid expiration of ${at}. Please specify integer greater than the current number of seconds since the UNIX epoch.`,
        );
      }
      if (at < now + MIN_EXPIRATION_TTL_SECONDS) {
        throw serviceError(
          "PUT",
          400,
          `Invalid expiration of ${at}. Expiration times must be at least ${MIN_EXPIRATION_TTL_SECONDS} seconds in the future.`,
        );
      }
      expiration = at;
    }
    let metadata: string | undefined;
    if (options.metadata !== undefined && options.metadata !== null) {
      metadata = JSON.stringify(options.metadata);
      const length = Buffer.byteLength(metadata);
      if (length > MAX_METADATA_BYTES)
        throw serviceError("PUT", 413, `Metadata length of ${length} exceeds limit of ${MAX_METADATA_BYTES}.`);
    }
    if (value.byteLength > MAX_VALUE_BYTES)
      throw serviceError("PUT", 413, `Value length of ${value.byteLength} exceeds limit of ${MAX_VALUE_BYTES}.`);
    this.entries.set(key, { value, expiration, metadata });
  }

  remove(key: string): void {
    validateKey(key, "DELETE");
    this.entries.delete(key);
  }

  /** Keys in lexicographic order; the cursor is the last key returned (opaque to callers, as KV's is). */
  list(options: { prefix?: unknown; limit?: unknown; cursor?: unknown }): KvListPage {
    // workerd sends no limit for 0 or a negative one (the whole first page); only one above 1000 is refused.
    let limit = MAX_LIST_KEYS;
    if (options.limit !== undefined && options.limit !== null && Number(options.limit) > 0) {
      limit = Number(options.limit);
      if (limit > MAX_LIST_KEYS) {
        throw serviceError(
          "GET",
          400,
          `Invalid key_count_limit of ${options.limit}. Please specify an integer less than ${MAX_LIST_KEYS}.`,
        );
      }
    }
    const prefix = options.prefix === undefined || options.prefix === null ? "" : String(options.prefix);
    const after =
      options.cursor === undefined || options.cursor === null || options.cursor === ""
        ? undefined
        : Buffer.from(String(options.cursor), "base64").toString("utf8");
    const names = [...this.entries.keys()]
      .filter((name) => name.startsWith(prefix) && (after === undefined || name > after) && this.live(name))
      .sort();
    const page = names.slice(0, limit);
    const keys = page.map((name) => {
      const entry = this.entries.get(name)!;
      const key: KvListKey = { name };
      if (entry.expiration !== undefined) key.expiration = entry.expiration;
      if (entry.metadata !== undefined) key.metadata = JSON.parse(entry.metadata);
      return key;
    });
    if (names.length <= limit) return { keys, list_complete: true, cacheStatus: null };
    const cursor = Buffer.from(page[page.length - 1], "utf8").toString("base64");
    return { keys, list_complete: false, cursor, cacheStatus: null };
  }

  private live(key: string): KvEntry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiration !== undefined && entry.expiration * 1000 <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

function validateKey(key: string, op: "GET" | "PUT" | "DELETE"): void {
  // These two are checked by workerd's binding before any request, hence TypeErrors without the "KV … failed" text.
  if (key === "") throw new TypeError("Key name cannot be empty.");
  if (key === "." || key === "..") throw new TypeError(`"${key}" is not allowed as a key name.`);
  const length = Buffer.byteLength(key);
  if (length > MAX_KEY_BYTES)
    throw serviceError(op, 414, `UTF-8 encoded length of ${length} exceeds key length limit of ${MAX_KEY_BYTES}.`);
}
