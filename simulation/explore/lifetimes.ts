/**
 * A schedule's run() lifetimes as the harness entry logged them (tenant-harness.ts): for each lifetime, the isolate
 * it ran in, its step calls numbered by occurrence (`do charge#1`), the clock and randomness it read outside step
 * callbacks, and the outbound requests it made outside steps.
 */
import type { HarnessNote } from "./run-schedule.ts";
import { numberCalls, type StepKind } from "./step-ref.ts";

export interface Lifetime {
  /** 1-based, in order. */
  index: number;
  isolate: string;
  calls: string[];
  /** Step callbacks that ran, by step name (with the isolate they ran in). */
  callbacks: { name: string; isolate: string }[];
  /** What it read outside step callbacks: `Date.now()`, `new Date()`, `Math.random()`; with the call index. */
  sources: { source: string; beforeCall: number }[];
  /** Outbound requests made outside any step callback. */
  outsideStepRequests: string[];
}

export function lifetimesOf(notes: readonly HarnessNote[]): Lifetime[] {
  const lifetimes: Lifetime[] = [];
  let current: (Lifetime & { raw: { kind: StepKind; name: string }[] }) | undefined;
  for (const note of notes) {
    if (note.at === "run") {
      current = {
        index: lifetimes.length + 1,
        isolate: note.isolate,
        calls: [],
        raw: [],
        callbacks: [],
        sources: [],
        outsideStepRequests: [],
      };
      lifetimes.push(current);
      continue;
    }
    if (!current) continue;
    if (note.at === "call" && note.kind && note.name !== undefined)
      current.raw.push({ kind: note.kind, name: note.name });
    else if (note.at === "callback" && note.name !== undefined)
      current.callbacks.push({ name: note.name, isolate: note.isolate });
    else if (note.at === "source" && note.source)
      current.sources.push({ source: note.source, beforeCall: current.raw.length });
    else if (note.at === "outbound" && !note.inStep)
      current.outsideStepRequests.push(`fetch ${note.method} ${note.url}`);
  }
  for (const lifetime of lifetimes) {
    const withRaw = lifetime as Lifetime & { raw?: { kind: StepKind; name: string }[] };
    lifetime.calls = numberCalls(withRaw.raw ?? []);
    delete withRaw.raw;
  }
  return lifetimes;
}
