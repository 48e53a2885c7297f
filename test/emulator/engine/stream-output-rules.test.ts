/**
 * The engine's own WF-19 rules (emulator/engine/stream-output.ts), on streams made in the host. From worker code a
 * stream reaches the engine through RPC (runtime/rpc-stream.ts), which already turns strings into bytes, splits
 * chunks over 16 MiB and refuses locked streams, as workerd's RPC does: these rules are the local engine's, kept for
 * streams that do not cross RPC.
 */
import { describe, expect, it } from "vitest";
import { LOCAL, PRODUCTION } from "../../../emulator/profiles.ts";
import {
  persistStream,
  replayStream,
  STORED_CHUNK_BYTES,
  type StoredStream,
  streamPreview,
} from "../../../emulator/engine/stream-output.ts";

const streamOf = (chunks: unknown[]) =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

async function store(chunks: unknown[] | ReadableStream<unknown>, rules = LOCAL.streamOutputs): Promise<StoredStream> {
  const target: StoredStream = { chunks: [], totalBytes: 0 };
  const stream = Array.isArray(chunks) ? streamOf(chunks) : chunks;
  await persistStream(stream, { target, storedElsewhere: () => 0, rules, stillWanted: () => true });
  return target;
}

describe("WF-19 the engine's stream rules (local engine's texts)", () => {
  it("WF-19 a locked stream is refused", async () => {
    const stream = streamOf([new Uint8Array(1)]);
    stream.getReader();
    await expect(store(stream)).rejects.toThrow(
      "Step returned a ReadableStream that is already locked or otherwise unreadable. Return a fresh, unlocked ReadableStream from step.do().",
    );
  });

  it.each([["text"], [new DataView(new ArrayBuffer(1))], [{}]])("WF-19 a chunk %o is refused", async (chunk) => {
    await expect(store([chunk])).rejects.toThrow(
      "Step returned a ReadableStream with unsupported chunk type. Only ArrayBuffer and TypedArray chunks are supported.",
    );
  });

  it("WF-19 (local) a chunk over 16 MiB is refused; production has no such limit", async () => {
    const big = new Uint8Array(16 * 1024 * 1024 + 1);
    await expect(store([big])).rejects.toThrow(
      "Step returned a ReadableStream chunk larger than the maximum allowed size of 16777216 bytes. Return smaller chunks from step.do().",
    );
    expect((await store([big], PRODUCTION.streamOutputs)).totalBytes).toBe(big.byteLength);
  });

  it("WF-19 bytes are stored in 256 KiB chunks, empty chunks skipped, and replayed as copies", async () => {
    const stored = await store([new Uint8Array(300 * 1024).fill(1), new Uint8Array(0), new ArrayBuffer(10)]);
    expect(stored.chunks.map((c) => c.byteLength)).toEqual([STORED_CHUNK_BYTES, 300 * 1024 + 10 - STORED_CHUNK_BYTES]);
    const reader = replayStream(stored).getReader();
    const first = (await reader.read()).value!;
    first.fill(9); // a reader writing into its chunk does not change what is stored
    expect(stored.chunks[0][0]).toBe(1);
  });

  it("WF-79 the local preview: text up to 1024 characters, else the size of binary bytes", async () => {
    expect(streamPreview(await store([new TextEncoder().encode("héllo")]))).toBe("héllo");
    expect(streamPreview(await store([new TextEncoder().encode("x".repeat(5000))]))).toBe(
      `${"x".repeat(1024)}[truncated output]`,
    );
    expect(streamPreview(await store([new Uint8Array([0xff, 0x00])]))).toBe("[ReadableStream (binary): 2 bytes]");
  });
});
