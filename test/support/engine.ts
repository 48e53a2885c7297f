/**
 * Small helpers for the engine-semantics tests under test/emulator/engine/: start plain workflows that are disposed
 * after each test, and read step attempts, sleeps and status changes from the trace.
 */
import { afterEach } from "vitest";
import type { Emulator, EmulatorOptions } from "../../emulator/index.ts";
import type { Traced } from "../../emulator/trace.ts";
import { startPlain, type Handle, type PlainWorkflow } from "./plain.ts";

/** The emulator's default virtual start time (2026-01-01T00:00:00Z). */
export const T0 = Date.UTC(2026, 0, 1);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const MIB = 1024 * 1024;

export const PROFILES = ["production", "local"] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface Recorded extends PlainWorkflow {
  /** Everything the workflow passed to `record(value)`, in order. Kept in the host, so it survives crashes,
   * hibernation and isolate reloads (unlike the dispatcher's `globalThis.log`). */
  records: unknown[];
}

/**
 * `startPlain`, with every emulator it starts disposed after the test. Call once at the top of a test file.
 * The body can call `await record(value)` (JSON values) to leave a side effect in the host: see `records`.
 */
export function usePlain(): (body: string, options?: Partial<EmulatorOptions>, extra?: string) => Promise<Recorded> {
  const started: Emulator[] = [];
  afterEach(async () => {
    for (const emulator of started.splice(0)) await emulator.dispose();
  });
  return async (body, options = {}, extra = "") => {
    const records: unknown[] = [];
    const recorder = (request: Request) => {
      records.push(JSON.parse(decodeURIComponent(new URL(request.url).search.slice(1))));
      return new Response("ok");
    };
    const prelude = `const record = async (value) => { await this.env.RECORD.fetch("http://record/?" + encodeURIComponent(JSON.stringify(value))); };`;
    const plain = await startPlain(
      `${prelude}\n${body}`,
      { ...options, serviceBindings: { ...options.serviceBindings, RECORD: recorder } },
      extra,
    );
    started.push(plain.emulator);
    return { ...plain, records };
  };
}

export interface Finished extends Recorded {
  handle: Handle;
  status: any;
}

/** Starts a plain workflow, creates instance "i" (with `params`), runs until idle and returns its status. */
export async function runToIdle(
  start: ReturnType<typeof usePlain>,
  body: string,
  options: Partial<EmulatorOptions> = {},
  params?: unknown,
): Promise<Finished> {
  const plain = await start(body, options);
  const handle = await plain.workflows.create({ id: "i", params });
  await plain.emulator.runUntilIdle();
  return { ...plain, handle, status: await handle.status() };
}

type Of<T extends Traced["type"]> = Extract<Traced, { type: T }>;

export function traceOf<T extends Traced["type"]>(emulator: Emulator, type: T): Of<T>[] {
  return emulator.trace().filter((e): e is Of<T> => e.type === type);
}

/** `step.attempt` events of one step name (all occurrences unless `count` is given). */
export function attempts(emulator: Emulator, step: string, count?: number): Of<"step.attempt">[] {
  return traceOf(emulator, "step.attempt").filter((e) => e.step === step && (count === undefined || e.count === count));
}

/** Virtual times of a step's attempts, relative to its first attempt. */
export function attemptOffsets(emulator: Emulator, step: string): number[] {
  const times = attempts(emulator, step).map((e) => e.time);
  return times.map((t) => t - times[0]);
}

export function failures(emulator: Emulator, step: string): Of<"step.failure">[] {
  return traceOf(emulator, "step.failure").filter((e) => e.step === step);
}

/** The virtual time at which an instance reached `status` (the first time), or undefined. */
export function reachedAt(emulator: Emulator, status: string, instance = "i"): number | undefined {
  return traceOf(emulator, "status").find((e) => e.instance === instance && e.to === status)?.time;
}

/** How many times `run()` started for an instance. */
export function runStarts(emulator: Emulator, instance = "i"): number {
  return traceOf(emulator, "run.start").filter((e) => e.instance === instance).length;
}
