/**
 * A model of the engine's timing, checked against the trace in virtual time: a retry runs exactly its backoff's
 * delay after the failed attempt (WF-32, with the step's own backoff kind and delay), a sleep keeps the deadline it
 * first persisted across replays and ends exactly at it, and an event wait times out exactly its timeout after it
 * began — the one it was given, or the profile's default (WF-62) — and never takes an event after that. Where
 * something the scenario did can legitimately delay a wake (a pause, a crash the local engine recovers from later, a
 * loader failure at the wake), only "never early" is checked: a wake may be late then, never early, and the deadline
 * never moves.
 */
import type { Traced } from "../../contract/emulator-surface.ts";
import { DEFAULT_EVENT_TIMEOUT_MS, RETRIES, type Backoff } from "./scenario.ts";

/** The wait after the `failed`-th failed attempt: the emulator's formula restated, so a bug there shows here. */
export function expectedRetryDelay(base: number, backoff: Backoff, failed: number): number {
  return backoff === "constant" ? base : backoff === "linear" ? base * failed : base * 2 ** (failed - 1);
}

/** What the instance's code asked for: the probe plan it was given, and the profile's default event timeout. */
export interface PlannedTiming {
  /** The probe plan the target was given (observation.ts `given`); absent: every step has `RETRIES`. */
  given?: readonly unknown[];
  /** The profile's default `waitForEvent` timeout (WF-62); default 24 h. */
  defaultEventTimeoutMs?: number;
}

interface GivenAction {
  do?: string;
  wait?: string;
  timeout?: number;
  config?: { retries?: { delay: number; backoff: Backoff } };
}

/** The `count`-th action of the given plan with this step name (the engine numbers occurrences per name from 1). */
function planned(given: readonly unknown[] | undefined, kind: "do" | "wait", step: string, count: number) {
  return (given as GivenAction[] | undefined)?.filter((a) => a[kind] === step)[count - 1];
}

/** `events` are one instance's; `all` the whole trace (faults are global). */
export function timing(
  events: readonly Traced[],
  all: readonly Traced[],
  name: string,
  plan: PlannedTiming = {},
): string[] {
  const out: string[] = [];
  const disturbed = (from: number, to: number) =>
    all.some((e) => e.seq > from && e.seq < to && e.type === "fault") ||
    // a pause requested before the sleep began may land during it (the local engine), so any earlier pause counts
    events.some((e) => e.seq < to && e.type === "status" && (e.to === "paused" || e.to === "waitingForPause")) ||
    events.some((e) => e.seq > from && e.seq < to && e.type === "instance.restart");
  const open = new Map<string, Extract<Traced, { type: "sleep.start" }>>();
  const waits = new Map<string, Extract<Traced, { type: "event.wait" }>>();
  // Per event type, the sends to this instance in order and how many were delivered: delivery is FIFO (WF-65), so
  // the n-th delivery of a type takes the n-th send. Not followed across a restart.
  const sends = new Map<string, Traced[]>();
  const delivered = new Map<string, number>();
  let restarted = false;
  for (const event of events) {
    if (event.type === "instance.restart") {
      open.clear();
      waits.clear();
      restarted = true;
    }
    if (event.type === "event.send") sends.set(event.eventType, [...(sends.get(event.eventType) ?? []), event]);
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
      const retries = planned(plan.given, "do", event.step, event.count)?.config?.retries ?? RETRIES;
      const due = event.time + expectedRetryDelay(retries.delay, retries.backoff, event.attempt);
      const exact = !disturbed(event.seq, next.seq);
      if (next.time < due || (exact && next.time !== due)) {
        out.push(
          `timing: ${name} step "${event.step}" retried ${next.time - event.time} ms after failed attempt ${event.attempt}, expected ${due - event.time} ms (${retries.backoff} backoff, ${retries.delay} ms)`,
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
    // An event wait is open from its first start; its timeout counts from then (a replay keeps the deadline).
    if (event.type === "event.wait") {
      const key = `${event.step}#${event.count}`;
      if (!waits.has(key)) waits.set(key, event);
    }
    if (event.type === "event.timeout" || event.type === "event.deliver") {
      const key = `${event.step}#${event.count}`;
      const start = waits.get(key);
      waits.delete(key);
      if (!start) continue;
      const given = planned(plan.given, "wait", event.step, event.count);
      const timeout = given?.timeout ?? plan.defaultEventTimeoutMs ?? DEFAULT_EVENT_TIMEOUT_MS;
      const which = given?.timeout === undefined ? "no timeout given: the default" : "its timeout";
      const due = start.time + timeout;
      const exact = !disturbed(start.seq, event.seq);
      if (event.type === "event.timeout" && (event.time < due || (exact && event.time !== due))) {
        out.push(
          `timing: ${name} wait "${event.step}" timed out ${event.time - start.time} ms after it began, expected ${timeout} ms (${which})`,
        );
      }
      if (event.type === "event.deliver" && exact && event.time > due) {
        out.push(
          `timing: ${name} wait "${event.step}" took an event ${event.time - start.time} ms after it began, past its ${timeout} ms timeout (${which})`,
        );
      }
      if (event.type === "event.deliver") {
        // An event is delivered as soon as both it was sent and the wait began: at the later of the two.
        const n = delivered.get(event.eventType) ?? 0;
        delivered.set(event.eventType, n + 1);
        const sent = sends.get(event.eventType)?.[n];
        if (sent && !restarted && !disturbed(Math.min(sent.seq, start.seq), event.seq)) {
          const at = Math.max(sent.time, start.time);
          if (event.time !== at)
            out.push(
              `timing: ${name} wait "${event.step}" took its "${event.eventType}" event ${event.time - at} ms after it was sent and the wait had begun (expected at once)`,
            );
        }
      }
    }
  }
  return [...new Set(out)];
}
