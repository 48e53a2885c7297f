/**
 * Status sampled during the run (suites/properties/status-samples.ts) on hand-written traces: in production an
 * instance read while it sleeps or waits to retry must say `waiting`, locally `running`; a read that a pause or a
 * fault explains is not judged.
 */
import { describe, expect, it } from "vitest";
import type { Traced } from "../../../contract/emulator-surface.ts";
import { PROFILES } from "../../../emulator/index.ts";
import { statusSamples } from "../../../suites/properties/status-samples.ts";

const I = "i1";
let seq = 0;
const at = (event: Record<string, unknown>) => ({ ...event, seq: seq++, time: 0 }) as unknown as Traced;
const status = (from: string, to: string) => at({ type: "status", workflow: "w", instance: I, from, to });
const sleeping = () => [
  status("queued", "running"),
  at({ type: "sleep.start", instance: I, step: "nap", count: 1, until: 1000 }),
];
const read = (events: Traced[], value: string) => [{ instance: I, status: value, seq: events[events.length - 1].seq }];

describe("status samples", () => {
  it("production reads waiting while an instance sleeps; running there is a violation", () => {
    const events = sleeping();
    expect(statusSamples(read(events, "waiting"), events, events, PROFILES.production, "#0")).toEqual([]);
    expect(statusSamples(read(events, "running"), events, events, PROFILES.production, "#0")).toEqual([
      'status: #0 read "running" while sleeping in "nap", expected "waiting" (production, WF-53)',
    ]);
  });

  it("the local engine reads running while sleeping, and while waiting to retry", () => {
    const events = sleeping();
    expect(statusSamples(read(events, "running"), events, events, PROFILES.local, "#0")).toEqual([]);
    const retry = [
      status("queued", "running"),
      at({ type: "step.failure", instance: I, step: "a", count: 1, attempt: 1, error: "x", willRetry: true }),
    ];
    expect(statusSamples(read(retry, "waiting"), retry, retry, PROFILES.local, "#0")).toEqual([
      'status: #0 read "waiting" while waiting to retry "a" (attempt 1 failed), expected "running" (local, WF-53)',
    ]);
  });

  it("a read after a pause, after the sleep ended, or after a fault is not judged", () => {
    const paused = [...sleeping(), status("running", "paused")];
    expect(statusSamples(read(paused, "paused"), paused, paused, PROFILES.production, "#0")).toEqual([]);
    const ended = [...sleeping(), at({ type: "sleep.end", instance: I, step: "nap", count: 1 })];
    expect(statusSamples(read(ended, "running"), ended, ended, PROFILES.production, "#0")).toEqual([]);
    const events = sleeping();
    const all = [...events, at({ type: "fault", kind: "crash" })];
    expect(statusSamples(read(all, "running"), events, all, PROFILES.production, "#0")).toEqual([]);
  });
});
