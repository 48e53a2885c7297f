/**
 * Production's Workflows limits that the local engine does not have (WF-92, WF-94): CPU time per step, the creation
 * rate, running instances and queued instances. Each one's default comes from the profile (`emulator/profiles.ts`);
 * the emulator option `productionLimits` sets or switches off each one, in either profile, so a user can see how their
 * platform behaves at a limit without creating 50,000 instances first (docs/profiles.md#production-limits).
 */
import { EmulatorUsageError } from "../lib/errors.ts";
import type { Profile } from "../profiles.ts";
import { type CpuMeter, wallClockCpuMeter } from "./cpu-meter.ts";

/** The emulator option: a number sets a limit, `false` switches it off, absent keeps the profile's. */
export interface ProductionLimitOptions {
  /** WF-92: CPU ms one `step.do` attempt may use (production 30,000). */
  stepCpuMs?: number | false;
  /** WF-94: instance creations per second per workflow (production 100). */
  creationsPerSecond?: number | false;
  /** WF-94: instances running at once, over every workflow of the emulator (production 50,000). */
  runningInstances?: number | false;
  /** WF-94: queued instances at most, over every workflow of the emulator (production 2,000,000). */
  queuedInstances?: number | false;
  /**
   * How CPU time is read (cumulative ms). Default: the wall time of the step callback's synchronous part, which in
   * one thread is CPU time. Tests inject a scripted meter (`scriptedCpuMeter`) so nothing depends on timing.
   */
  cpuMeter?: CpuMeter;
}

/** The limits in force: null means none. */
export interface ProductionLimits {
  stepCpuMs: number | null;
  creationsPerSecond: number | null;
  runningInstances: number | null;
  queuedInstances: number | null;
  cpuMeter: CpuMeter;
}

const KEYS = ["stepCpuMs", "creationsPerSecond", "runningInstances", "queuedInstances", "cpuMeter"];

export function resolveProductionLimits(profile: Profile, options: ProductionLimitOptions = {}): ProductionLimits {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new EmulatorUsageError(
      `productionLimits must be an object like { stepCpuMs: false }, got ${JSON.stringify(options)}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key))
      throw new EmulatorUsageError(`Unknown key productionLimits.${key}. Known keys: ${KEYS.join(", ")}`);
  }
  if (options.cpuMeter !== undefined && typeof options.cpuMeter !== "function") {
    throw new EmulatorUsageError("productionLimits.cpuMeter must be a function returning cumulative CPU ms");
  }
  return {
    stepCpuMs: pick("stepCpuMs", options.stepCpuMs, profile.stepCpuLimitMs),
    creationsPerSecond: pick("creationsPerSecond", options.creationsPerSecond, profile.creationRatePerSecond),
    runningInstances: pick("runningInstances", options.runningInstances, profile.maxRunningInstances),
    queuedInstances: pick("queuedInstances", options.queuedInstances, profile.maxQueuedInstances),
    cpuMeter: options.cpuMeter ?? wallClockCpuMeter,
  };
}

function pick(key: string, given: number | false | undefined, fallback: number | null): number | null {
  if (given === undefined) return fallback;
  if (given === false) return null;
  if (typeof given !== "number" || !Number.isFinite(given) || given <= 0) {
    throw new EmulatorUsageError(
      `productionLimits.${key} must be a positive number or false (to switch the limit off), got ${JSON.stringify(given)}`,
    );
  }
  return given;
}

/** WF-92: the error an attempt over its CPU time fails with (D-LIMITS; the Workers runtime's own text). */
export const CPU_LIMIT_MESSAGE = "Worker exceeded CPU time limit.";

/**
 * WF-94: above the creation rate production answers HTTP 429, which workerd's binding shim turns into an `Error`
 * with the API's message. That message is not documented; the emulator's names the status, the workflow and the rate.
 */
export function creationRateError(workflow: string, perSecond: number): Error {
  return new Error(
    `429 Too Many Requests: workflow "${workflow}" is over its instance creation rate limit of ${perSecond} per second; retry later`,
  );
}

/** WF-94: a create when the account already holds the maximum of queued instances (wording is the emulator's). */
export function queueFullError(max: number): Error {
  return new Error(
    `429 Too Many Requests: ${max} instances are already queued in this account (the queued instance limit); retry when some have started`,
  );
}
