/**
 * One explore worker thread (schedule-pool.ts): receives `{ id, setup, schedule }`, runs the schedule on a fresh
 * emulator in this thread's own heap and realms (runSchedule, exactly as the main thread would), and posts back
 * `{ id, run }`, or `{ id, thrown }` with the text of what runSchedule threw (judged as "could not run", as in one
 * thread).
 */
import { parentPort } from "node:worker_threads";
import type { Schedule } from "./explore-result.ts";
import { type CaseSetup, runSchedule } from "./run-schedule.ts";

if (!parentPort) throw new Error("schedule-worker.ts runs as a worker thread (see schedule-pool.ts)");
const port = parentPort;

port.on("message", async (message: { id: number; setup: CaseSetup; schedule: Schedule }) => {
  try {
    port.postMessage({ id: message.id, run: await runSchedule(message.setup, message.schedule) });
  } catch (error) {
    port.postMessage({ id: message.id, thrown: String(error) });
  }
});
