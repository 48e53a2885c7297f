/**
 * One R2 bucket's objects, in the host: durable (a crash keeps them), stamped with virtual time. Keys, listing order,
 * delimiters, cursors and conditional operations as https://developers.cloudflare.com/r2/api/workers/workers-api-reference/
 * describes them; error texts as workerd words them (miniflare 4).
 */
import { createHash } from "node:crypto";

const MAX_KEY_BYTES = 1024;
const MAX_LIST_LIMIT = 1000;

export interface R2HttpMetadata {
  contentType?: string;
  contentLanguage?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  cacheControl?: string;
  cacheExpiry?: Date;
}

export interface R2Record {
  key: string;
  bytes: Uint8Array;
  version: string;
  /** MD5 of the body, hex (a single-part upload's etag). */
  etag: string;
  /** Epoch ms, virtual. */
  uploaded: number;
  httpMetadata: R2HttpMetadata;
  customMetadata: Record<string, string>;
}

export interface R2Conditions {
  etagMatches?: string;
  etagDoesNotMatch?: string;
  uploadedBefore?: number;
  uploadedAfter?: number;
}

export interface R2ListOptions {
  prefix?: string;
  limit?: number;
  cursor?: string;
  delimiter?: string;
  startAfter?: string;
}

export interface R2ListResult {
  records: R2Record[];
  delimitedPrefixes: string[];
  truncated: boolean;
  cursor?: string;
}

export class R2Store {
  private readonly objects = new Map<string, R2Record>();

  constructor(
    private readonly now: () => number,
    private readonly newVersion: () => string,
  ) {}

  get(key: string, op: string): R2Record | undefined {
    validateKey(key, op);
    return this.objects.get(key);
  }

  put(
    key: string,
    bytes: Uint8Array,
    metadata: { httpMetadata: R2HttpMetadata; customMetadata: Record<string, string> },
  ): R2Record {
    validateKey(key, "put");
    const record: R2Record = {
      key,
      bytes,
      version: this.newVersion(),
      etag: createHash("md5").update(bytes).digest("hex"),
      uploaded: this.now(),
      ...metadata,
    };
    this.objects.set(key, record);
    return record;
  }

  delete(keys: string[]): void {
    for (const key of keys) validateKey(key, "delete");
    for (const key of keys) this.objects.delete(key);
  }

  /** Objects and delimited prefixes in key order, one page; the cursor is the last item of the page. */
  list(options: R2ListOptions): R2ListResult {
    const limit = options.limit ?? MAX_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
      throw new Error(`list: MaxKeys params must be positive integer <= ${MAX_LIST_LIMIT}. (10022)`);
    const prefix = options.prefix ?? "";
    const after = options.cursor ? Buffer.from(options.cursor, "base64").toString("utf8") : options.startAfter;
    const items: Array<{ name: string; record?: R2Record }> = [];
    const prefixes = new Set<string>();
    for (const key of [...this.objects.keys()].sort()) {
      if (!key.startsWith(prefix)) continue;
      const cut = options.delimiter ? key.indexOf(options.delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const grouped = key.slice(0, cut + options.delimiter!.length);
        if (!prefixes.has(grouped)) {
          prefixes.add(grouped);
          items.push({ name: grouped });
        }
      } else items.push({ name: key, record: this.objects.get(key) });
    }
    const remaining = after === undefined ? items : items.filter((item) => item.name > after);
    const page = remaining.slice(0, limit);
    const truncated = remaining.length > limit;
    return {
      records: page.flatMap((item) => (item.record ? [item.record] : [])),
      delimitedPrefixes: page.flatMap((item) => (item.record ? [] : [item.name])),
      truncated,
      cursor: truncated ? Buffer.from(page[page.length - 1].name, "utf8").toString("base64") : undefined,
    };
  }
}

/** Whether `record` meets the conditions (R2's onlyIf); true when there is nothing to meet. */
export function meets(record: R2Record | undefined, conditions: R2Conditions | undefined): boolean {
  if (!conditions) return true;
  const { etagMatches, etagDoesNotMatch, uploadedBefore, uploadedAfter } = conditions;
  if (etagMatches !== undefined && record?.etag !== unquote(etagMatches)) return false;
  if (etagDoesNotMatch !== undefined && record?.etag === unquote(etagDoesNotMatch)) return false;
  if (uploadedBefore !== undefined && record && !(record.uploaded < uploadedBefore)) return false;
  if (uploadedAfter !== undefined && record && !(record.uploaded > uploadedAfter)) return false;
  return true;
}

function unquote(etag: string): string {
  return etag.replace(/^"(.*)"$/, "$1");
}

function validateKey(key: string, op: string): void {
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new Error(`${op}: The specified object name is not valid. (10020)`);
}
