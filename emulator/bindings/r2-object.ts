/**
 * `R2Object` (metadata: what `head`, `put` and `list` return) and `R2ObjectBody` (what `get` returns: the metadata
 * plus a body read once as a stream, text, JSON, ArrayBuffer or Blob). Built for one caller realm: their fields are
 * that realm's values (a `Date` of its realm, its plain objects). workerd calls the two classes `HeadResult` and
 * `GetResult`; these take the names the docs use. Spec: https://developers.cloudflare.com/r2/api/workers/workers-api-reference/#r2object-definition
 */
import type { Realm } from "../runtime/realm.ts";
import { Realm as Realms } from "../runtime/realm.ts";
import { transfer } from "../runtime/transfer.ts";
import { bytesForRealm } from "./body-bytes.ts";
import type { R2HttpMetadata, R2Record } from "./r2-store.ts";

export interface R2Range {
  offset?: number;
  length?: number;
  suffix?: number;
}

const HEADER_OF: Record<keyof Omit<R2HttpMetadata, "cacheExpiry">, string> = {
  contentType: "content-type",
  contentLanguage: "content-language",
  contentDisposition: "content-disposition",
  contentEncoding: "content-encoding",
  cacheControl: "cache-control",
};

export class R2Object {
  readonly key: string;
  readonly version: string;
  readonly size: number;
  readonly etag: string;
  readonly httpEtag: string;
  readonly uploaded: Date;
  readonly httpMetadata: R2HttpMetadata;
  readonly customMetadata: Record<string, string>;
  readonly range: R2Range | undefined;
  readonly storageClass = "Standard";
  readonly checksums: { md5: ArrayBuffer; toJSON(): { md5: string } };

  constructor(
    record: R2Record,
    realm: Realm,
    include: { httpMetadata: boolean; customMetadata: boolean },
    range?: R2Range,
  ) {
    const host = Realms.host();
    this.key = record.key;
    this.version = record.version;
    this.size = record.bytes.byteLength;
    this.etag = record.etag;
    this.httpEtag = `"${record.etag}"`;
    this.uploaded = new realm.intrinsics.Date(record.uploaded);
    this.httpMetadata = transfer(
      include.httpMetadata ? record.httpMetadata : {},
      host,
      realm,
      "clone",
    ) as R2HttpMetadata;
    this.customMetadata = transfer(include.customMetadata ? record.customMetadata : {}, host, realm, "clone") as Record<
      string,
      string
    >;
    this.range = range === undefined ? undefined : (transfer(range, host, realm, "clone") as R2Range);
    const md5 = bytesForRealm(Buffer.from(record.etag, "hex"), realm.intrinsics);
    this.checksums = { md5, toJSON: () => ({ md5: record.etag }) };
  }

  /** Copies the object's HTTP metadata into `headers` as response headers. */
  writeHttpMetadata(headers: Headers): void {
    for (const [field, header] of Object.entries(HEADER_OF)) {
      const value = this.httpMetadata[field as keyof typeof HEADER_OF];
      if (value !== undefined) headers.set(header, value);
    }
    if (this.httpMetadata.cacheExpiry !== undefined)
      headers.set("expires", new Date(this.httpMetadata.cacheExpiry.getTime()).toUTCString());
  }
}

export class R2ObjectBody extends R2Object {
  readonly body: ReadableStream<Uint8Array>;
  private readonly response: Response;

  constructor(
    record: R2Record,
    private readonly realm: Realm,
    content: Uint8Array,
    range?: R2Range,
  ) {
    super(record, realm, { httpMetadata: true, customMetadata: true }, range);
    this.response = new Response(content.slice());
    this.body = this.response.body ?? new Response("").body!;
  }

  get bodyUsed(): boolean {
    return this.response.bodyUsed;
  }

  async text(): Promise<string> {
    return this.response.text();
  }

  async json(): Promise<unknown> {
    const text = await this.response.text();
    const json = this.realm.context ? (this.realm.context as { JSON: JSON }).JSON : JSON;
    return json.parse(text);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return bytesForRealm(new Uint8Array(await this.response.arrayBuffer()), this.realm.intrinsics);
  }

  async bytes(): Promise<Uint8Array> {
    const buffer = await this.arrayBuffer();
    return new (this.realm.intrinsics.byName.Uint8Array as Uint8ArrayConstructor)(buffer);
  }

  async blob(): Promise<Blob> {
    return this.response.blob();
  }
}

/** The part of `bytes` a range asks for, with the range as R2 reports it. */
export function applyRange(bytes: Uint8Array, range: R2Range | undefined): { bytes: Uint8Array; range?: R2Range } {
  if (!range) return { bytes };
  if (range.suffix !== undefined) {
    const start = Math.max(0, bytes.byteLength - range.suffix);
    return { bytes: bytes.subarray(start), range: { offset: start, length: bytes.byteLength - start } };
  }
  const offset = range.offset ?? 0;
  const length = range.length ?? bytes.byteLength - offset;
  return { bytes: bytes.subarray(offset, offset + length), range: { offset, length } };
}
