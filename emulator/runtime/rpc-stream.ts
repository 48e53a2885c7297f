/**
 * A ReadableStream crossing an RPC boundary (a step callback's result going from worker code to the engine, a value
 * handed to a binding), as workerd's RPC carries one: as a byte stream. Observed on local workerd (miniflare
 * 4.20260730, the conformance cases `steps/stream-output-*`):
 * - a locked stream cannot be sent: `TypeError: The ReadableStream has been locked to a reader.`, thrown where the
 *   value is sent;
 * - a string chunk arrives as its UTF-8 bytes;
 * - a chunk over 16 MiB arrives in smaller pieces, so the local engine's 16 MiB chunk rule never sees it (the piece
 *   size is not observable, the engine stores 256 KiB chunks whatever it receives: PIECE_BYTES is our choice);
 * - a chunk that is not bytes (an object) breaks the stream: the receiver's read fails with
 *   "ReadableStream received over RPC disconnected prematurely.".
 * ArrayBuffers and every view (a DataView too) arrive as Uint8Arrays [INFERRED for DataView: bytes are bytes].
 */
export const LOCKED_STREAM_MESSAGE = "The ReadableStream has been locked to a reader.";
export const DISCONNECTED_MESSAGE = "ReadableStream received over RPC disconnected prematurely.";

const PIECE_BYTES = 1024 * 1024;

export function sendStream(stream: ReadableStream<unknown>): ReadableStream<Uint8Array> {
  if (stream.locked) throw new TypeError(LOCKED_STREAM_MESSAGE);
  const reader = stream.getReader();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let read: ReadableStreamReadResult<unknown>;
      try {
        read = await reader.read();
      } catch (error) {
        controller.error(error);
        return;
      }
      const { done, value } = read;
      if (done) return controller.close();
      const bytes = bytesOf(value, encoder);
      if (!bytes) {
        controller.error(new Error(DISCONNECTED_MESSAGE));
        void reader.cancel(new Error(DISCONNECTED_MESSAGE)).catch(() => {});
        return;
      }
      for (let at = 0; at < bytes.byteLength; at += PIECE_BYTES)
        controller.enqueue(bytes.byteLength <= PIECE_BYTES ? bytes : bytes.subarray(at, at + PIECE_BYTES));
      if (bytes.byteLength === 0) controller.enqueue(bytes);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

function bytesOf(value: unknown, encoder: TextEncoder): Uint8Array | null {
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer || Object.prototype.toString.call(value) === "[object ArrayBuffer]")
    return new Uint8Array(value as ArrayBuffer);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return null;
}
