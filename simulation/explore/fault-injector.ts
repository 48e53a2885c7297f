/**
 * Places a schedule's faults at their exact points of a run, by hearing the emulator's trace as it is recorded:
 * - `crash-before-commit` of `do X#n` (attempt a): as that attempt starts, a crash is armed at `afterStepCallback`
 *   for X, so the process dies after the callback ran and before its result is committed;
 * - `crash-after-commit`: the same, at `afterStepCommit` (the result is durable, the process dies right after);
 * - `evict-after-step`: as the step's commit is recorded, the tenant isolates are evicted (the next lifetime loads
 *   fresh code: module state is gone);
 * - `hibernate-at-wait` of `sleep X#n` / `waitForEvent X#n`: as the wait starts, the instance's memory is dropped
 *   (a crash at `duringSleep` / `duringWaitForEvent`), so it is woken later through the dispatcher and replays —
 *   what hibernation does, also under the local profile, which never hibernates by itself;
 * - `redeploy-at-wait`: as the wait starts, the tenant's code is deployed again under a new version (run-schedule.ts
 *   says which, and notes where in the trace it happened, for the right-code oracle).
 * A fault "lands" when its point is reached; `landed` counts them.
 */
import type { CrashFilter, CrashPoint, Traced } from "../../contract/emulator-surface.ts";
import type { ScheduledFault } from "./explore-result.ts";
import { parseStepRef } from "./step-ref.ts";

export interface FaultTarget {
  crashAt(point: CrashPoint, filter?: CrashFilter): void;
  evict(): Promise<void>;
  /** Deploys the tenant's next code version (where the subject's dispatcher reads it). */
  redeploy(): void;
}

export class FaultInjector {
  private readonly pending: ScheduledFault[];
  landed = 0;

  constructor(
    faults: readonly ScheduledFault[],
    private readonly target: FaultTarget,
  ) {
    this.pending = [...faults];
  }

  readonly hear = (event: Traced): void => {
    for (let i = 0; i < this.pending.length; i++) {
      const fault = this.pending[i];
      if (!matches(fault, event)) continue;
      this.pending.splice(i, 1);
      this.landed++;
      this.apply(fault, event as Traced & { step: string });
      return;
    }
  };

  private apply(fault: ScheduledFault, event: Traced & { step: string }): void {
    if (fault.kind === "evict-after-step") {
      void this.target.evict();
      return;
    }
    if (fault.kind === "redeploy-at-wait") {
      this.target.redeploy();
      return;
    }
    const point: CrashPoint =
      fault.kind === "crash-before-commit"
        ? "afterStepCallback"
        : fault.kind === "crash-after-commit"
          ? "afterStepCommit"
          : event.type === "sleep.start"
            ? "duringSleep"
            : "duringWaitForEvent";
    this.target.crashAt(point, { step: event.step });
  }
}

function matches(fault: ScheduledFault, event: Traced): boolean {
  const ref = parseStepRef(fault.step);
  if (!ref) return false;
  switch (fault.kind) {
    case "crash-before-commit":
    case "crash-after-commit":
      return (
        ref.kind === "do" &&
        event.type === "step.attempt" &&
        event.step === ref.name &&
        event.count === ref.occurrence &&
        event.attempt === (fault.attempt ?? 1)
      );
    case "evict-after-step":
      return (
        ref.kind === "do" && event.type === "step.commit" && event.step === ref.name && event.count === ref.occurrence
      );
    case "hibernate-at-wait":
    case "redeploy-at-wait":
      return (
        ((ref.kind === "sleep" && event.type === "sleep.start") ||
          (ref.kind === "waitForEvent" && event.type === "event.wait")) &&
        event.step === ref.name &&
        event.count === ref.occurrence
      );
  }
}
