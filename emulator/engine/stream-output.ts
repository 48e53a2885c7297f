/**
 * WF-19: a step may return a fresh, unlocked `ReadableStream<Uint8Array>`. The engine reads it to the end during the
 * attempt, stores its bytes in fixed-size chunks, and from then on hands out a NEW stream over the stored chunks:
 * to the caller of that attempt and to every replay after a crash, a hibernation or an isolate reload. The bytes are
 * stored as the attempt reads them (durable, as the local engine writes its `streaming_step_chunks` rows), so a
 * crash mid-read leaves them behind; the step's next attempt discards them before it starts.
 *
 * Realms: tenant code runs in its own `vm` context. `ReadableStream` is shared from the host (runtime/realm.ts), but
 * its chunks may be the tenant realm's own `Uint8Array`s, so chunks are recognised by `ArrayBuffer.isView` and
 * `types.isArrayBuffer` (realm-independent), never by `instanceof`, and copied into host bytes.
 */
import { types } from "node:util";
import type { Profile } from "../profiles.ts";
import type { DoStepRecord, InstanceRecord, StoredStream } from "./instance-record.ts";

export type { StoredStream };

/** The local engine persists chunks of 256 KiB (DEFAULT_STREAM_OUTPUT_CHUNK_SIZE); a replay yields them as stored. */
export const STORED_CHUNK_BYTES = 256 * 1024;

/**
 * What the stream rules refuse. `fatal`: the instance ends with no retry (local: a locked stream, a chunk of another
 * type, a chunk over the chunk limit, a failed read; and the storage limit).
 */
export class StreamOutputError extends Error {
  constructor(
    message: string,
    readonly kind: "invalid" | "storage",
  ) {
    super(message);
  }
}

/** The same class as `globalThis.ReadableStream` in every realm (shared), with a tag check as a safety net. */
export function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return (
    value instanceof ReadableStream ||
    (typeof value === "object" && value !== null && Object.prototype.toString.call(value) === "[object ReadableStream]")
  );
}

/** Texts of the local engine (workers-sdk workflows-shared `lib/streams.ts`). */
const LOCKED =
  "Step returned a ReadableStream that is already locked or otherwise unreadable. Return a fresh, unlocked ReadableStream from step.do().";
const UNSUPPORTED_CHUNK =
  "Step returned a ReadableStream with unsupported chunk type. Only ArrayBuffer and TypedArray chunks are supported.";
const oversizedChunk = (max: number) =>
  `Step returned a ReadableStream chunk larger than the maximum allowed size of ${max} bytes. Return smaller chunks from step.do().`;

/** The instance error a stream the rules refuse ends the instance with (WF-19, local engine's text). */
export function invalidStreamInstanceMessage(step: string, error: StreamOutputError): string {
  return error.kind === "storage"
    ? error.message
    : `The execution of the Workflow instance was terminated, as the step "${step}" returned an invalid ReadableStream output. ${error.message}`;
}

/** Bytes of a chunk, copied into the host realm; a string, an object or a DataView is refused. */
function chunkBytes(value: unknown): Uint8Array {
  if (types.isArrayBuffer(value)) return new Uint8Array(value as ArrayBuffer).slice();
  if (ArrayBuffer.isView(value) && !types.isDataView(value)) {
    const view = value as ArrayBufferView;
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  }
  throw new StreamOutputError(UNSUPPORTED_CHUNK, "invalid");
}

/** Where a stream being read is written to, and what it may still take. */
export interface StreamSink {
  /** The attempt's pending chunks: durable as soon as they are pushed. */
  readonly target: StoredStream;
  /** Bytes the instance stores in other stream outputs (other steps'), counted against the storage limit. */
  storedElsewhere(): number;
  readonly rules: Profile["streamOutputs"];
  /** False once the attempt is over for another reason (a timeout, a crash): reading stops and cancels the stream. */
  stillWanted(): boolean;
}

/**
 * Reads `stream` to its end into `sink.target` in STORED_CHUNK_BYTES chunks. Throws StreamOutputError for what the
 * rules refuse; stops (and cancels the stream) when the attempt is no longer wanted.
 */
export async function persistStream(stream: ReadableStream<unknown>, sink: StreamSink): Promise<void> {
  if (stream.locked) throw new StreamOutputError(LOCKED, "invalid");
  const reader = stream.getReader();
  const { target, rules } = sink;
  let buffered: Uint8Array[] = [];
  let bufferedBytes = 0;
  let done = false;
  const flush = (bytes: Uint8Array) => {
    if (sink.storedElsewhere() + target.totalBytes + bytes.byteLength > rules.storageLimitBytes)
      throw new StreamOutputError(rules.storageLimitMessage, "storage");
    target.chunks.push(bytes);
    target.totalBytes += bytes.byteLength;
  };
  try {
    for (;;) {
      let read: ReadableStreamReadResult<unknown>;
      try {
        read = await reader.read();
      } catch (error) {
        if (!sink.stillWanted()) return;
        // The error may come from the tenant's realm, where `instanceof Error` is false.
        const message = types.isNativeError(error) ? (error as Error).message : String(error);
        throw new StreamOutputError(`Failed to read from step ReadableStream output. ${message}`, "invalid");
      }
      if (!sink.stillWanted()) return;
      if (read.done) break;
      const bytes = chunkBytes(read.value);
      if (bytes.byteLength === 0) continue;
      if (rules.maxInputChunkBytes !== null && bytes.byteLength > rules.maxInputChunkBytes)
        throw new StreamOutputError(oversizedChunk(rules.maxInputChunkBytes), "invalid");
      buffered.push(bytes);
      bufferedBytes += bytes.byteLength;
      while (bufferedBytes >= STORED_CHUNK_BYTES) {
        const [chunk, rest] = take(buffered, STORED_CHUNK_BYTES);
        buffered = rest;
        bufferedBytes -= STORED_CHUNK_BYTES;
        flush(chunk);
      }
    }
    done = true;
    if (bufferedBytes > 0) flush(take(buffered, bufferedBytes)[0]);
  } finally {
    if (!done) void reader.cancel(new Error("stream output consumption stopped before completion")).catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Reads a step's stream output into its pending chunks, which are durable as they are written (a crash keeps them
 * until the step's next attempt discards them). The storage limit counts every stream output the instance stores,
 * committed or pending, as the local engine counts its whole database.
 */
export async function storeStreamOutput(
  record: InstanceRecord,
  step: DoStepRecord,
  stream: ReadableStream<unknown>,
  rules: Profile["streamOutputs"],
  stillWanted: () => boolean,
): Promise<StoredStream> {
  const target: StoredStream = { chunks: [], totalBytes: 0 };
  step.pendingStream = target;
  const storedElsewhere = () => {
    let bytes = 0;
    for (const other of record.steps.values()) {
      if (other.kind !== "do" || other === step) continue;
      if (other.outcome?.ok) bytes += other.outcome.stream?.totalBytes ?? 0;
      bytes += other.pendingStream?.totalBytes ?? 0;
    }
    return bytes;
  };
  await persistStream(stream, { target, storedElsewhere, rules, stillWanted });
  return target;
}

/** The first `n` bytes of `chunks` as one array, and what is left. */
function take(chunks: Uint8Array[], n: number): [Uint8Array, Uint8Array[]] {
  const out = new Uint8Array(n);
  let offset = 0;
  let i = 0;
  for (; offset < n; i++) {
    const chunk = chunks[i];
    const part = Math.min(chunk.byteLength, n - offset);
    out.set(chunk.subarray(0, part), offset);
    offset += part;
    if (part < chunk.byteLength) return [out, [chunk.subarray(part), ...chunks.slice(i + 1)]];
  }
  return [out, chunks.slice(i)];
}

/** A new stream over stored chunks. Each chunk is a copy: a reader that writes into it cannot change what is stored. */
export function replayStream(stored: StoredStream): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index >= stored.chunks.length) controller.close();
      else controller.enqueue(stored.chunks[index++].slice());
    },
  });
}

/**
 * How the local engine's logs and `status()` show a stream output (WF-79, engine.ts `readLogs`): its first 1024
 * characters when the bytes are UTF-8 text (with "[truncated output]" when there is more), else its size.
 */
export function streamPreview(stored: StoredStream, maxChars = 1024): string {
  const maxBytes = maxChars * 4;
  const head = new Uint8Array(Math.min(maxBytes, stored.totalBytes));
  let offset = 0;
  for (const chunk of stored.chunks) {
    if (offset >= head.byteLength) break;
    const part = chunk.subarray(0, head.byteLength - offset);
    head.set(part, offset);
    offset += part.byteLength;
  }
  const truncatedByBytes = stored.totalBytes > head.byteLength;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: truncatedByBytes });
    const shown = text.substring(0, maxChars);
    return text.length > maxChars || truncatedByBytes ? `${shown}[truncated output]` : shown;
  } catch {
    return `[ReadableStream (binary): ${stored.totalBytes} bytes]`;
  }
}
