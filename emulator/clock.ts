/**
 * Time for everything inside the emulator: engine timers (sleeps, retry delays, event and step timeouts) and the
 * `Date`, `setTimeout` and `performance.now` that worker code sees.
 *
 * Virtual mode: time stands still until `advance()` moves it; timers fire in (time, insertion) order, and between two
 * timers every promise chain is allowed to settle, so a 30-day sleep costs a few microseconds of wall time.
 * Real mode: the same API over host timers, for runs that must behave like the real runtime in wall time.
 */
export type ClockMode = "virtual" | "real";

export interface TimerHandle {
  cancel(): void;
}

/** A virtual timer is its own handle (a class, not a closure per timer: see rpc-stubs.ts on keepNames). */
class PendingTimer implements TimerHandle {
  cancelled = false;

  constructor(
    readonly at: number,
    readonly seq: number,
    public fire: () => void,
    private readonly clock: Clock,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    // A cancelled timer stays in the heap until it reaches the top; its callback must not. The callback of a
    // hibernated instance's sleep resolves the dead run()'s promise chain, so keeping it would keep every
    // sleeping instance's whole dead execution (generators, stubs, entrypoint objects) alive until its wake.
    this.fire = noop;
    this.clock.timerCancelled();
  }
}

/** A binary min-heap keyed by (at, seq): deterministic order for timers due at the same instant. */
class TimerHeap {
  private readonly items: PendingTimer[] = [];

  get size(): number {
    return this.items.length;
  }

  push(timer: PendingTimer): void {
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i], items[parent])) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  peek(): PendingTimer | undefined {
    return this.items[0];
  }

  pop(): PendingTimer | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && before(items[l], items[m])) m = l;
        if (r < items.length && before(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }

  /** Rebuilds the heap without cancelled timers (same (at, seq) order, so firing order is unchanged). */
  removeCancelled(): void {
    const live = this.items.filter((timer) => !timer.cancelled);
    live.sort((a, b) => (before(a, b) ? -1 : 1));
    this.items.length = 0;
    // A sorted array is a valid min-heap.
    for (const timer of live) this.items.push(timer);
  }
}

function noop(): void {}

function before(a: PendingTimer, b: PendingTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets every queued promise reaction run: one macrotask turn drains the microtask queue completely. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class Clock {
  readonly mode: ClockMode;
  private virtualNow: number;
  private seq = 0;
  private readonly heap = new TimerHeap();
  private readonly realTimers = new Set<NodeJS.Timeout>();
  /** Cancelled timers still in the heap (an upper bound: some may have been popped since). */
  private cancelledInHeap = 0;

  constructor(mode: ClockMode = "virtual", start: number = Date.UTC(2026, 0, 1)) {
    this.mode = mode;
    this.virtualNow = start;
  }

  now(): number {
    return this.mode === "virtual" ? this.virtualNow : Date.now();
  }

  /** Runs `fire` at absolute time `at` (or at once, on the next turn, if `at` has passed). */
  at(at: number, fire: () => void): TimerHandle {
    if (this.mode === "real") {
      const handle = setTimeout(
        () => {
          this.realTimers.delete(handle);
          fire();
        },
        Math.max(0, at - Date.now()),
      );
      this.realTimers.add(handle);
      return {
        cancel: () => {
          clearTimeout(handle);
          this.realTimers.delete(handle);
        },
      };
    }
    const timer = new PendingTimer(Math.max(at, this.virtualNow), this.seq++, fire, this);
    this.heap.push(timer);
    return timer;
  }

  /** Called by a virtual timer when it is cancelled. */
  timerCancelled(): void {
    this.cancelledInHeap++;
    // Drop the dead entries once they are most of the heap, so a long run with many cancellations stays small.
    if (this.cancelledInHeap > 1024 && this.cancelledInHeap * 2 > this.heap.size) {
      this.heap.removeCancelled();
      this.cancelledInHeap = 0;
    }
  }

  after(ms: number, fire: () => void): TimerHandle {
    return this.at(this.now() + Math.max(0, ms), fire);
  }

  /** The time of the next live virtual timer, or undefined. */
  nextTimerAt(): number | undefined {
    this.dropCancelled();
    return this.heap.peek()?.at;
  }

  get pendingTimers(): number {
    this.dropCancelled();
    return this.mode === "virtual" ? this.heap.size : this.realTimers.size;
  }

  /**
   * Virtual mode: moves time forward by `ms`, firing every timer that falls due on the way, each at its own instant,
   * and letting promise chains settle after each. Real mode: waits `ms` of wall time.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`advance() takes a finite number of ms >= 0, got ${ms}`);
    if (this.mode === "real") {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return;
    }
    const target = this.virtualNow + ms;
    await drainMicrotasks();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === undefined || next > target) break;
      await this.fireNext();
    }
    this.virtualNow = target;
    await drainMicrotasks();
  }

  /** Virtual mode: jumps to the next due timer and fires it (and any others due at the same instant). */
  async fireNext(): Promise<boolean> {
    const next = this.nextTimerAt();
    if (next === undefined) return false;
    this.virtualNow = Math.max(this.virtualNow, next);
    while (this.heap.size > 0 && this.heap.peek()!.at <= this.virtualNow) {
      const timer = this.heap.pop()!;
      if (timer.cancelled) continue;
      timer.fire();
      await drainMicrotasks();
    }
    return true;
  }

  /** Drops every timer: what a crash does to in-memory timers. Durable deadlines live in storage, not here. */
  clear(): void {
    this.heap.clear();
    this.cancelledInHeap = 0;
    for (const handle of this.realTimers) clearTimeout(handle);
    this.realTimers.clear();
  }

  private dropCancelled(): void {
    while (this.heap.size > 0 && this.heap.peek()!.cancelled) this.heap.pop();
  }
}
