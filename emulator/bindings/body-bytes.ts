/**
 * The bytes of a value worker code stores (a KV value, an R2 body), read in the host. Accepts what the bindings
 * accept — strings, ArrayBuffers and views (of any realm), ReadableStreams, Blobs — and says what else it got.
 */
import { types } from "node:util";

export type BodyKind = "kv" | "r2";

export async function bodyBytes(value: unknown, kind: BodyKind): Promise<Uint8Array> {
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (types.isArrayBuffer(value) || types.isSharedArrayBuffer(value))
    return new Uint8Array((value as ArrayBuffer).slice(0));
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer);
  }
  if (value instanceof ReadableStream || value instanceof Blob)
    return new Uint8Array(await new Response(value).arrayBuffer());
  if (kind === "r2" && value === null) return new Uint8Array(0);
  if (kind === "kv" && value !== null && value !== undefined && typeof value !== "object")
    return new TextEncoder().encode(String(value)); // workerd converts a number or boolean to its string
  throw new TypeError(
    kind === "r2"
      ? "Failed to execute 'put' on 'R2Bucket': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'."
      : "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.",
  );
}

/** The bytes as a value of the caller's realm: a fresh ArrayBuffer of that realm. */
export function bytesForRealm(bytes: Uint8Array, intrinsics: { ArrayBuffer: ArrayBufferConstructor }): ArrayBuffer {
  const out = new intrinsics.ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Response(bytes.slice()).body ?? new Response("").body!;
}
