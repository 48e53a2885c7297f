/**
 * One fuzzing worker thread (simulation/fuzz-pool.ts): receives batches `{ id, options }`, runs `fuzz()` on
 * each in this thread's own heap and realms, and posts back `{ id, result }` (or `{ id, error }` if fuzz itself
 * threw — a harness bug, reported rather than lost).
 */
import { parentPort } from "node:worker_threads";
import { fuzz, type FuzzOptions } from "./fuzz.ts";

if (!parentPort) throw new Error("fuzz-worker.ts runs as a worker thread (see fuzz-pool.ts)");
const port = parentPort;

port.on("message", async (message: { id: number; options: FuzzOptions }) => {
  try {
    port.postMessage({ id: message.id, result: await fuzz(message.options) });
  } catch (error) {
    port.postMessage({
      id: message.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});
