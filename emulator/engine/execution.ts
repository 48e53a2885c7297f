/**
 * One lifetime of `run()` for one instance. A replay (wake from hibernation, resume, restart, crash recovery) is a
 * new Execution; the old one is killed. Killing is final: its timers are cancelled and, through the membrane, every
 * call it makes afterwards never settles, so a killed execution can never commit anything.
 */
import type { TimerHandle } from "../clock.ts";
import type { Liveness } from "../runtime/realm.ts";
import type { RollbackOptions } from "../lib/rollback-options.ts";
import type { InstanceRecord } from "./instance-record.ts";

export type WaitCategory = "sleep" | "retry" | "event";

export interface PendingWait {
  category: WaitCategory;
  until: number;
  /** Ends the wait at once with `error` (set while the wait is registered; see `Execution.rejectForPause`). */
  interrupt?: (error: Error) => void;
}

/** LE-08: the abort reason the local engine throws into `run()` when a pause takes effect (profile `pauseRejectsPendingStep`). */
export const PAUSE_ABORT_MESSAGE = "Aborting engine: User called pause";

export interface EventWaiter {
  key: string;
  deliver: (event: { type: string; payload: unknown; timestamp: number }) => void;
}

export class Execution implements Liveness {
  private killed = false;
  private readonly timers = new Set<TimerHandle>();
  /** Occurrence counters per (kind, name): the N in "the N-th step.do called 'x'" (WF-12, WF-13). */
  private readonly counters = new Map<string, number>();
  /** step.do calls made so far in this lifetime, replayed ones included (WF-91). */
  stepCalls = 0;
  /** Step callbacks running now. Pause waits for them (WF-80); hibernation only happens when there are none. */
  inflightSteps = 0;
  /** Sleeps, retry waits and event waits this lifetime is blocked on. */
  readonly waits = new Set<PendingWait>();
  /** Event waiters by type, FIFO (WF-64). */
  readonly waiters = new Map<string, EventWaiter[]>();
  /**
   * Local profile (`pauseRejectsPendingStep`): the instance was paused while this lifetime kept running. Every step
   * call that would wait rejects with PAUSE_ABORT_MESSAGE; a `step.do` rejects with it after its attempt.
   */
  pausedWhileRunning = false;
  /**
   * WF-43 / LE-09: `forward` runs the workflow; `replay` re-runs `run()` only to get the rollback handlers back (no
   * step runs, sleeps and waits return at once); `rollback` runs the chain (a new step from `run()` is refused).
   */
  phase: "forward" | "replay" | "rollback" = "forward";
  /** WF-43: the rollback handlers this lifetime's `step.do` calls registered, by step key. Memory: lost on crash. */
  readonly rollbackHandlers = new Map<string, RollbackOptions>();
  /** Steps held back while a pause is pending (WF-80); released if the pause is cancelled by resume (WF-81). */
  private readonly heldByPause: Array<() => void> = [];

  constructor(
    readonly record: InstanceRecord,
    readonly generation: number,
  ) {}

  get alive(): boolean {
    return !this.killed;
  }

  kill(): void {
    if (this.killed) return;
    this.killed = true;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
    this.waits.clear();
    this.waiters.clear();
  }

  /** Resolves when a pending pause is cancelled; never, if the pause takes effect (the execution is then killed). */
  untilPauseCancelled(): Promise<void> {
    return new Promise((resolve) => this.heldByPause.push(resolve));
  }

  releasePauseHold(): void {
    for (const release of this.heldByPause.splice(0)) release();
  }

  /**
   * The local engine's pause (profile `pauseRejectsPendingStep`): the lifetime stays alive; every sleep, retry wait
   * and event wait it is blocked in rejects with the pause error, and steps held back by the pending pause go on.
   */
  rejectForPause(): void {
    this.pausedWhileRunning = true;
    for (const wait of [...this.waits]) wait.interrupt?.(new Error(PAUSE_ABORT_MESSAGE));
    this.releasePauseHold();
  }

  /** A timer that dies with this execution. */
  own(timer: TimerHandle): TimerHandle {
    this.timers.add(timer);
    return timer;
  }

  nextOccurrence(counterKey: string): number {
    const next = (this.counters.get(counterKey) ?? 0) + 1;
    this.counters.set(counterKey, next);
    return next;
  }

  takeWaiter(type: string): EventWaiter | undefined {
    const queue = this.waiters.get(type);
    const waiter = queue?.shift();
    if (queue && queue.length === 0) this.waiters.delete(type);
    return waiter;
  }

  removeWaiter(type: string, waiter: EventWaiter): void {
    const queue = this.waiters.get(type);
    if (!queue) return;
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.waiters.delete(type);
  }
}
