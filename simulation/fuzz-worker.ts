/**
 * One fuzzing worker thread (simulation/fuzz-pool.ts): runs `fuzz()` on each batch it is handed, in this thread's
 * own heap and realms (the protocol, and a throwing fuzz reported as an error naming its batch: lib/worker-thread.ts).
 */
import { fuzz, type FuzzOptions } from "./fuzz.ts";
import { serveJobs } from "./lib/worker-thread.ts";

serveJobs("fuzz-worker.ts", (options: FuzzOptions) => fuzz(options));
