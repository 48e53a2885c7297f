/**
 * What a scenario run observed: the input of the invariants (invariants.ts). Written by the scenario runner
 * (simulation/run-scenario.ts) on any target; plain data, so a differential run can compare two of them.
 */
import type { Profile, Traced } from "../../contract/emulator-surface.ts";
import type { PlanAction, TenantName } from "./scenario.ts";

export interface ObservedInstance {
  id: string;
  /** The tenant that created it (from the harness's own record of the create, never from what the dispatcher says). */
  tenant: TenantName;
  plan: PlanAction[];
  status: string;
  output: unknown;
  error: { name: string; message: string } | null;
  /** Events the engine accepted for it, in order: [type, sequence number used as payload]. */
  sent: Array<[string, number]>;
  /** Whether a terminate command reached it while it was live (and no restart came after). */
  terminated: boolean;
  /**
   * The probe plan the harness gave the target for `plan` (durations mapped on a time-scaled run): the retry
   * configs and wait timeouts the timing model expects. Absent: `probePlan(plan)`.
   */
  given?: unknown[];
}

/** An instance's status as read between two commands, and the last trace event before the read. */
export interface StatusSample {
  instance: string;
  status: string;
  seq: number;
}

export interface ScenarioObservation {
  /** The target the scenario ran on. */
  target: string;
  /** Whose behaviour the target shows: the invariants read its fields (e.g. `interruptedAttemptCounts`). */
  profile: Profile;
  /** The target's trace, or `[]` on a target without one (then only the trace-free invariants apply). */
  trace: readonly Traced[];
  instances: ObservedInstance[];
  /** Harness-level problems: a request refused for a reason the scenario did not cause, a drain that stalled. */
  problems: string[];
  /** Engine crashes the scenario caused (`crash: "now"`, and armed crash points: counted as possible). */
  crashes: number;
  /** Faults the scenario's commands injected and the target accepted (crash: "now" and armed points). */
  injected?: { evict: number; crash: number; loaderFailure: number };
  /** Statuses read between commands, white-box (status-samples.ts); absent or empty on other runs. */
  samples?: StatusSample[];
  /** Creates the target answered with an instance id. */
  created?: number;
  /** Commands the target could not express (by their position in the scenario, 1-based), with the reason. */
  dropped: string[];
}
