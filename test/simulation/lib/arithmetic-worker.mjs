// The test thread's entry (worker-pool.test.ts): registers tsx in the thread, as the pools' own .mjs entries do.
import { register } from "tsx/esm/api";

register();
await import("./arithmetic-worker.ts");
