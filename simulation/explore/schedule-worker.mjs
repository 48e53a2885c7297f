// The explore worker thread's entry: worker threads do not inherit tsx's loader on Node 20, and `--import tsx` in a
// worker's execArgv is not honoured, so this registers tsx in the thread before importing the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./schedule-worker.ts");
