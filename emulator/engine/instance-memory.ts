/**
 * What the engine holds about its instances in memory only: the live `run()` lifetime, the wake timer of a
 * hibernated instance, a delayed restart after a crash, a start scheduled for the next microtask. A crash drops all of
 * it (durable state is in `InstanceStore`); stopping one instance drops its share. Kept apart from the engine so that
 * "lost on crash" is one object, and dropping it cannot forget a field.
 */
import type { TimerHandle } from "../clock.ts";
import type { Admission, AdmittedEngine } from "./admission.ts";
import type { Execution } from "./execution.ts";

export class InstanceMemory {
  readonly executions = new Map<string, Execution>();
  readonly wakeTimers = new Map<string, TimerHandle>();
  /** Instances whose wake timer is a delayed restart after a crash (`restartDelayMs`): time moves on to it. */
  readonly delayedRestarts = new Set<string>();
  readonly pendingStarts = new Set<string>();

  constructor(
    private readonly admission: Admission,
    private readonly owner: AdmittedEngine,
  ) {}

  /** Kills the live execution and forgets scheduled wakes and starts of one instance. */
  stop(id: string): void {
    this.executions.get(id)?.kill();
    if (this.executions.delete(id)) this.admission.slotFreed();
    this.wakeTimers.get(id)?.cancel();
    this.wakeTimers.delete(id);
    this.delayedRestarts.delete(id);
    this.pendingStarts.delete(id);
    this.admission.forget(this.owner, id);
  }

  /** A crash: drops everything in memory. Durable records stay. */
  drop(): void {
    for (const exec of this.executions.values()) exec.kill();
    this.executions.clear();
    for (const timer of this.wakeTimers.values()) timer.cancel();
    this.wakeTimers.clear();
    this.delayedRestarts.clear();
    this.pendingStarts.clear();
    this.admission.forgetAll(this.owner);
    this.admission.slotFreed(); // another workflow's waiting starts may go on now
  }
}
