/**
 * A ReadableStream crossing an RPC boundary (a step callback's result going from worker code to the engine, a value
 * handed to a binding), as workerd's RPC carries one: as a byte stream. Observed on workerd (miniflare 4.20260730,
 * the conformance cases `steps/stream-output-*`): a locked stream cannot be sent (`TypeError: The ReadableStream has
 * been locked to a reader.`, thrown where the value is sent), and a string chunk arrives as its UTF-8 bytes. Other
 * chunks are passed on as they are, for the receiver's own rules (the engine's WF-19 chunk rules).
 */
export const LOCKED_STREAM_MESSAGE = "The ReadableStream has been locked to a reader.";

export function sendStream(stream: ReadableStream<unknown>): ReadableStream<unknown> {
  if (stream.locked) throw new TypeError(LOCKED_STREAM_MESSAGE);
  const reader = stream.getReader();
  const encoder = new TextEncoder();
  return new ReadableStream<unknown>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(typeof value === "string" ? encoder.encode(value) : value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
