/**
 * What a workflow engine needs from the emulator around it. Kept as an interface so the engine has no idea how
 * isolates, loaders or crashes are implemented.
 */
import type { Clock } from "../clock.ts";
import type { CrashPoint, PointContext } from "../faults.ts";
import type { Profile } from "../profiles.ts";
import type { Trace } from "../trace.ts";
import type { Admission } from "./admission.ts";
import type { ProductionLimits } from "./production-limits.ts";

export interface EngineHost {
  readonly clock: Clock;
  readonly trace: Trace;
  readonly profile: Profile;
  /** WF-91: step.do calls allowed per instance lifetime. */
  readonly stepLimit: number;
  /** A safety valve, not a Workflows limit: more `run()` lifetimes than this for one instance is a replay livelock. */
  readonly maxLifetimes: number;
  /** Virtual ms between a crash and the restart of the instances it interrupted (the emulator option; default 0). */
  readonly restartDelayMs: number;
  /** WF-41: whether an uncaught NonRetryableError keeps its own name and message. */
  readonly preserveNonRetryableMessage: boolean;
  /** WF-92 / WF-94: the production limits in force (the profile's, as the emulator option changed them). */
  readonly limits: ProductionLimits;
  /** WF-94: the running-instance limit, shared by every engine of the emulator (the account). */
  readonly admission: Admission;
  /**
   * Calls `run(event, step)` on a fresh instance of the workflow class in the current dispatcher isolate.
   * `event` and `step` live in the host realm; the result comes back as a host value.
   */
  runWorkflow(className: string, event: unknown, step: object): Promise<unknown>;
  /**
   * Returns true if an armed crash fired at this point. The crash has then already happened: the caller must stop
   * (its execution is dead) and return a promise that never settles.
   */
  crashPoint(point: CrashPoint, context: PointContext): boolean;
  /** A new unique instance id (seeded, so runs replay exactly). */
  newId(): string;
  /** Gives idle isolates a chance to be evicted (evict-when-idle policies run at quiet moments). */
  onQuiet(): void;
}
