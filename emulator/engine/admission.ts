/**
 * WF-94 / WF-53 / WF-74: how many instances may run at once, over every workflow of the emulator (production's limit
 * is per account). An instance runs while it has a live `run()`; one that hibernated (`waiting` in a sleep or retry
 * wait, or blocked in an event wait) holds no slot. Above the limit a start waits here: a new, resumed or restarted
 * instance stays `queued`, a woken one stays `waiting`, and woken ones go ahead of queued ones ("an instance waking
 * from sleep is scheduled ahead of queued instances"), each kind first come, first served. With no limit, every start
 * is admitted at once and nothing here costs anything.
 */
import { queueFullError } from "./production-limits.ts";

/** What the gate needs to know about one engine (one Workflow binding). */
export interface AdmittedEngine {
  /** Instances with a live `run()` now. */
  runningInstances(): number;
  /** All instances the engine holds (a cheap bound on the queued ones). */
  instanceCount(): number;
  /** Instances whose status is `queued`. */
  queuedInstances(): number;
}

interface WaitingStart {
  engine: AdmittedEngine;
  id: string;
  woken: boolean;
  /** Starts the instance; false if it no longer should start (terminated, paused, already running). */
  start: () => boolean;
}

export class Admission {
  private readonly engines = new Set<AdmittedEngine>();
  /** Woken instances first, then the others; each in arrival order. */
  private readonly waiting: WaitingStart[] = [];
  private drainScheduled = false;

  constructor(
    private readonly maxRunning: number | null,
    private readonly maxQueued: number | null,
  ) {}

  register(engine: AdmittedEngine): void {
    this.engines.add(engine);
  }

  /** True: start now. False: the start waits; `start` is called when a slot frees. */
  admit(engine: AdmittedEngine, id: string, woken: boolean, start: () => boolean): boolean {
    if (this.maxRunning === null) return true;
    if (this.waiting.length === 0 && this.running() < this.maxRunning) return true;
    if (this.waiting.some((w) => w.engine === engine && w.id === id)) return false;
    const entry = { engine, id, woken, start };
    const firstQueued = woken ? this.waiting.findIndex((w) => !w.woken) : -1;
    if (firstQueued < 0) this.waiting.push(entry);
    else this.waiting.splice(firstQueued, 0, entry);
    this.slotFreed(); // a slot may be free already (a burst arriving behind waiting starts)
    return false;
  }

  /** A `run()` ended or hibernated: waiting starts go on, in a microtask (never inside the engine's own bookkeeping). */
  slotFreed(): void {
    if (this.maxRunning === null || this.waiting.length === 0 || this.drainScheduled) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** True when a waiting start can go on now (the emulator is not idle yet). */
  canStartWaiting(): boolean {
    return this.maxRunning !== null && this.waiting.length > 0 && this.running() < this.maxRunning;
  }

  /** Starts waiting behind the limit, for one instance (it was paused, terminated or restarted meanwhile). */
  forget(engine: AdmittedEngine, id: string): void {
    const index = this.waiting.findIndex((w) => w.engine === engine && w.id === id);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  /** Everything waiting for one engine: memory, lost on a crash (recovery starts the instances again). */
  forgetAll(engine: AdmittedEngine): void {
    for (let i = this.waiting.length - 1; i >= 0; i--)
      if (this.waiting[i]!.engine === engine) this.waiting.splice(i, 1);
  }

  /** WF-94: a create when the queued-instance limit is reached is refused. */
  refuseIfQueueFull(): void {
    if (this.maxQueued === null) return;
    let instances = 0;
    for (const engine of this.engines) instances += engine.instanceCount();
    if (instances < this.maxQueued) return; // cannot be full: counting the queued ones would scan every instance
    let queued = 0;
    for (const engine of this.engines) queued += engine.queuedInstances();
    if (queued >= this.maxQueued) throw queueFullError(this.maxQueued);
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.running() < (this.maxRunning ?? Infinity)) this.waiting.shift()!.start();
  }

  private running(): number {
    let running = 0;
    for (const engine of this.engines) running += engine.runningInstances();
    return running;
  }
}
