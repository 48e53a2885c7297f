/**
 * A model of the engine's timing, checked against the trace in virtual time: a retry runs exactly its backoff's
 * delay after the failed attempt (WF-32), a sleep keeps the deadline it first persisted across replays and ends
 * exactly at it. Where something the scenario did can legitimately delay a wake (a pause, a crash the local engine
 * recovers from later, a loader failure at the wake), only "never early" is checked: a wake may be late then, never
 * early, and the deadline never moves.
 */
import type { Traced } from "../../contract/emulator-surface.ts";
import { RETRIES } from "./scenario.ts";

/** The wait after the `failed`-th failed attempt: the emulator's formula restated, so a bug there shows here. */
export function expectedRetryDelay(
  base: number,
  backoff: "constant" | "linear" | "exponential",
  failed: number,
): number {
  return backoff === "constant" ? base : backoff === "linear" ? base * failed : base * 2 ** (failed - 1);
}

/** `events` are one instance's; `all` the whole trace (faults are global). */
/** `retryDelayMs`: the base delay the steps were given (a time-scaled run maps it); default the scenario's. */
export function timing(
  events: readonly Traced[],
  all: readonly Traced[],
  name: string,
  retryDelayMs: number = RETRIES.delay,
): string[] {
  const out: string[] = [];
  const disturbed = (from: number, to: number) =>
    all.some((e) => e.seq > from && e.seq < to && e.type === "fault") ||
    // a pause requested before the sleep began may land during it (the local engine), so any earlier pause counts
    events.some((e) => e.seq < to && e.type === "status" && (e.to === "paused" || e.to === "waitingForPause")) ||
    events.some((e) => e.seq > from && e.seq < to && e.type === "instance.restart");
  const open = new Map<string, Extract<Traced, { type: "sleep.start" }>>();
  for (const event of events) {
    if (event.type === "instance.restart") open.clear();
    if (event.type === "step.failure" && event.willRetry) {
      const restart = events.find((e) => e.seq > event.seq && e.type === "instance.restart")?.seq ?? Infinity;
      const next = events.find(
        (e) =>
          e.seq > event.seq &&
          e.seq < restart &&
          e.type === "step.attempt" &&
          e.step === event.step &&
          e.count === event.count,
      );
      if (!next) continue;
      const due = event.time + expectedRetryDelay(retryDelayMs, RETRIES.backoff, event.attempt);
      const exact = !disturbed(event.seq, next.seq);
      if (next.time < due || (exact && next.time !== due)) {
        out.push(
          `timing: ${name} step "${event.step}" retried ${next.time - event.time} ms after failed attempt ${event.attempt}, expected ${due - event.time} ms (${RETRIES.backoff} backoff, ${retryDelayMs} ms)`,
        );
      }
    }
    // A sleep is open from its first start to its end; a replay while it is open must keep its deadline.
    if (event.type === "sleep.start") {
      const key = `${event.step}#${event.count}`;
      const first = open.get(key);
      if (!first) open.set(key, event);
      else if (first.until !== event.until) {
        out.push(
          `timing: ${name} sleep "${event.step}" was replayed with a new deadline (+${event.until - first.until} ms): the persisted one was lost`,
        );
      }
    }
    if (event.type === "sleep.end") {
      const key = `${event.step}#${event.count}`;
      const start = open.get(key);
      open.delete(key);
      if (!start) continue;
      const exact = !disturbed(start.seq, event.seq);
      if (event.time < start.until || (exact && event.time !== start.until)) {
        out.push(`timing: ${name} sleep "${event.step}" ended ${event.time - start.until} ms off its deadline`);
      }
    }
  }
  return [...new Set(out)];
}
