/**
 * `env.<BUCKET>` as worker code sees it (an `R2Bucket`): head, get (ranges, onlyIf), put (httpMetadata,
 * customMetadata, onlyIf), delete (one key or many), list (prefix, limit, cursor, delimiter, startAfter, include).
 * Multipart uploads are refused with a clear error. Spec: https://developers.cloudflare.com/r2/api/workers/workers-api-reference/
 */
import { EmulatorUnsupportedError } from "../lib/errors.ts";
import { Realm } from "../runtime/realm.ts";
import { transfer } from "../runtime/transfer.ts";
import { bindingCall } from "./binding-call.ts";
import { bodyBytes } from "./body-bytes.ts";
import { applyRange, R2Object, R2ObjectBody, type R2Range } from "./r2-object.ts";
import { meets, type R2Conditions, type R2HttpMetadata, type R2Store } from "./r2-store.ts";

const HTTP_FIELDS: Record<string, keyof R2HttpMetadata> = {
  "content-type": "contentType",
  "content-language": "contentLanguage",
  "content-disposition": "contentDisposition",
  "content-encoding": "contentEncoding",
  "cache-control": "cacheControl",
};

export class R2Binding {
  constructor(
    private readonly store: R2Store,
    private readonly caller: Realm,
  ) {}

  head(key: unknown): Promise<unknown> {
    return bindingCall(
      this.caller,
      () => this.store.get(String(key), "head"),
      (record) => (record ? new R2Object(record, this.caller, ALL) : null),
    );
  }

  get(key: unknown, options?: unknown): Promise<unknown> {
    const opts = this.fromCaller(options) as { range?: R2Range; onlyIf?: unknown };
    return bindingCall(
      this.caller,
      () => this.store.get(String(key), "get"),
      (record) => {
        if (!record) return null;
        if (!meets(record, conditions(opts.onlyIf))) return new R2Object(record, this.caller, ALL);
        const part = applyRange(record.bytes, opts.range);
        return new R2ObjectBody(record, this.caller, part.bytes, part.range);
      },
    );
  }

  put(key: unknown, value: unknown, options?: unknown): Promise<unknown> {
    return bindingCall(
      this.caller,
      async () => {
        const bytes = await bodyBytes(value, "r2");
        const opts = this.fromCaller(options) as {
          httpMetadata?: unknown;
          customMetadata?: Record<string, unknown>;
          onlyIf?: unknown;
        };
        if (!meets(this.store.get(String(key), "put"), conditions(opts.onlyIf))) return null;
        const customMetadata = Object.fromEntries(
          Object.entries(opts.customMetadata ?? {}).map(([name, text]) => [name, String(text)]),
        );
        return this.store.put(String(key), bytes, { httpMetadata: httpMetadata(options), customMetadata });
      },
      (record) => (record ? new R2Object(record, this.caller, ALL) : null),
    );
  }

  delete(keys: unknown): Promise<unknown> {
    return bindingCall(
      this.caller,
      () => this.store.delete(Array.isArray(keys) ? keys.map(String) : [String(keys)]),
      () => undefined,
    );
  }

  list(options?: unknown): Promise<unknown> {
    const opts = (this.fromCaller(options) ?? {}) as {
      prefix?: string;
      limit?: number;
      cursor?: string;
      delimiter?: string;
      startAfter?: string;
      include?: string[];
    };
    const include = {
      httpMetadata: opts.include?.includes("httpMetadata") ?? false,
      customMetadata: opts.include?.includes("customMetadata") ?? false,
    };
    return bindingCall(
      this.caller,
      () => this.store.list(opts),
      (page) => {
        const out = new this.caller.intrinsics.Object() as Record<string, unknown>;
        out.objects = transfer([], Realm.host(), this.caller, "clone");
        for (const record of page.records) (out.objects as unknown[]).push(new R2Object(record, this.caller, include));
        out.truncated = page.truncated;
        if (page.cursor !== undefined) out.cursor = page.cursor;
        out.delimitedPrefixes = transfer(page.delimitedPrefixes, Realm.host(), this.caller, "clone");
        return out;
      },
    );
  }

  createMultipartUpload(): Promise<never> {
    return this.unsupported("createMultipartUpload");
  }

  resumeMultipartUpload(): never {
    throw new EmulatorUnsupportedError(MULTIPART);
  }

  private unsupported(method: string): Promise<never> {
    return bindingCall(this.caller, () => {
      throw new EmulatorUnsupportedError(`${method}: ${MULTIPART}`);
    }) as Promise<never>;
  }

  /** Options as host values (Headers and Dates kept). */
  private fromCaller(options: unknown): unknown {
    if (options === undefined || options === null) return {};
    const { httpMetadata: _h, onlyIf, ...rest } = options as Record<string, unknown>;
    const copied = transfer(rest, this.caller, Realm.host(), "clone") as Record<string, unknown>;
    if (onlyIf !== undefined) copied.onlyIf = onlyIf;
    return copied;
  }
}

const ALL = { httpMetadata: true, customMetadata: true };
const MULTIPART =
  "R2 multipart uploads are not supported by the emulator; use put(), or run this subject on the workerd target.";

function conditions(onlyIf: unknown): R2Conditions | undefined {
  if (onlyIf === undefined || onlyIf === null) return undefined;
  if (onlyIf instanceof Headers) {
    return {
      etagMatches: onlyIf.get("if-match") ?? undefined,
      etagDoesNotMatch: onlyIf.get("if-none-match") ?? undefined,
      uploadedBefore: dateOf(onlyIf.get("if-unmodified-since")),
      uploadedAfter: dateOf(onlyIf.get("if-modified-since")),
    };
  }
  const given = onlyIf as Record<string, unknown>;
  return {
    etagMatches: given.etagMatches === undefined ? undefined : String(given.etagMatches),
    etagDoesNotMatch: given.etagDoesNotMatch === undefined ? undefined : String(given.etagDoesNotMatch),
    uploadedBefore: dateOf(given.uploadedBefore),
    uploadedAfter: dateOf(given.uploadedAfter),
  };
}

function dateOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return value instanceof Date || Object.prototype.toString.call(value) === "[object Date]"
    ? (value as Date).getTime()
    : new Date(String(value)).getTime();
}

/** `httpMetadata` given as an object or as `Headers`, in host form. */
function httpMetadata(options: unknown): R2HttpMetadata {
  const given = (options as { httpMetadata?: unknown } | undefined)?.httpMetadata;
  const out: R2HttpMetadata = {};
  if (given === undefined || given === null) return out;
  if (given instanceof Headers) {
    for (const [header, field] of Object.entries(HTTP_FIELDS)) {
      const value = given.get(header);
      if (value !== null) (out as Record<string, string>)[field] = value;
    }
    const expires = given.get("expires");
    if (expires !== null) out.cacheExpiry = new Date(expires);
    return out;
  }
  const fields = given as Record<string, unknown>;
  for (const field of Object.values(HTTP_FIELDS)) {
    if (fields[field] !== undefined) (out as Record<string, string>)[field] = String(fields[field]);
  }
  if (fields.cacheExpiry !== undefined) out.cacheExpiry = new Date(dateOf(fields.cacheExpiry)!);
  return out;
}
