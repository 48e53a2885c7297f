/**
 * Fault injection: named crash points and loader failures.
 *
 * A crash point is armed once and fires the first time execution reaches it (optionally only for one instance or
 * step). Firing it crashes the whole emulator on the spot: the code that reached the point never continues.
 */
export type CrashPoint =
  /** Before a `step.do` attempt starts (nothing of the attempt has happened). */
  | "beforeStepAttempt"
  /** After the step callback returned, before its result is committed: the step must run again (at-least-once). */
  | "afterStepCallback"
  /** Right after a step result is committed: the step must never run again. */
  | "afterStepCommit"
  /** While an instance sleeps. */
  | "duringSleep"
  /** While an instance waits for an event. */
  | "duringWaitForEvent"
  /** Inside the Worker Loader, before the `getCode` callback runs. */
  | "insideLoader";

export const CRASH_POINTS: readonly CrashPoint[] = [
  "beforeStepAttempt",
  "afterStepCallback",
  "afterStepCommit",
  "duringSleep",
  "duringWaitForEvent",
  "insideLoader",
];

export interface CrashFilter {
  /** Only fire for this instance id. */
  instance?: string;
  /** Only fire for this step name (step points) or loader id (`insideLoader`). */
  step?: string;
}

export interface PointContext {
  instance?: string;
  step?: string;
}

interface Armed {
  point: CrashPoint;
  filter: CrashFilter;
}

export class FaultPlan {
  private armed: Armed[] = [];
  private loaderFailures: Array<{ remaining: number; message: string; id?: string }> = [];

  arm(point: CrashPoint, filter: CrashFilter = {}): void {
    if (!CRASH_POINTS.includes(point)) {
      throw new TypeError(`Unknown crash point "${point}". Known points: ${CRASH_POINTS.join(", ")}`);
    }
    this.armed.push({ point, filter });
  }

  /** True (and disarmed) if a crash is armed for this point and context. */
  take(point: CrashPoint, context: PointContext): boolean {
    const index = this.armed.findIndex(
      (a) =>
        a.point === point &&
        (a.filter.instance === undefined || a.filter.instance === context.instance) &&
        (a.filter.step === undefined || a.filter.step === context.step),
    );
    if (index < 0) return false;
    this.armed.splice(index, 1);
    return true;
  }

  get pendingCrashes(): readonly Armed[] {
    return this.armed;
  }

  /** The next `times` loads (optionally of one loader id) fail with `message`. */
  failLoader(times: number, message: string, id?: string): void {
    this.loaderFailures.push({ remaining: times, message, id });
  }

  /** The message of an injected loader failure for this id, or undefined. */
  takeLoaderFailure(id: string): string | undefined {
    const failure = this.loaderFailures.find((f) => f.remaining > 0 && (f.id === undefined || f.id === id));
    if (!failure) return undefined;
    failure.remaining--;
    return failure.message;
  }
}
