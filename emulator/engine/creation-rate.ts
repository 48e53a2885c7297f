/**
 * WF-94: the per-workflow instance creation rate, on the emulator's clock (virtual time by default). At most
 * `perSecond` creations in any window of 1,000 ms; each `create`, each `createBatch` item (WF-75) and each `restart`
 * (WF-83) is one creation. A request over the rate creates nothing and fails with HTTP 429. Production does not say how
 * it measures the second; a sliding window is the strictest reading that never refuses a request under the rate.
 */
import type { Clock } from "../clock.ts";
import { creationRateError } from "./production-limits.ts";

const WINDOW_MS = 1_000;

export class CreationRate {
  /** Times of the creations in the current window, oldest first. */
  private readonly recent: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly workflow: string,
    private readonly perSecond: number | null,
  ) {}

  /** Counts `count` creations now, or throws the 429 error (counting none) if they would go over the rate. */
  charge(count = 1): void {
    if (this.perSecond === null) return;
    const now = this.clock.now();
    while (this.recent.length > 0 && this.recent[0]! <= now - WINDOW_MS) this.recent.shift();
    if (this.recent.length + count > this.perSecond) throw creationRateError(this.workflow, this.perSecond);
    for (let i = 0; i < count; i++) this.recent.push(now);
  }
}
