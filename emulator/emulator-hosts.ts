/**
 * What the emulator hands its engines and loaders: the `EngineHost` (clock, trace, profile, limits, the shared
 * running-instance gate, the compatibility rule for NonRetryableError messages, and the callbacks into the
 * dispatcher, the crash points and the id stream) and the loaders' host. Apart from emulator.ts so the wiring of
 * options into the engine reads in one place.
 */
import type { Clock } from "./clock.ts";
import type { DispatcherIsolate } from "./dispatcher-isolate.ts";
import type { EmulatorOptions } from "./emulator-options.ts";
import { DEFAULT_STEP_LIMIT } from "./emulator-options.ts";
import { Admission } from "./engine/admission.ts";
import type { EngineHost } from "./engine/engine-host.ts";
import { resolveProductionLimits } from "./engine/production-limits.ts";
import type { CrashPoint, FaultPlan, PointContext } from "./faults.ts";
import type { SeededIds } from "./lib/seeded-ids.ts";
import type { LoaderHost, WorkerLoader } from "./loader/worker-loader.ts";
import type { Profile } from "./profiles.ts";
import { Realm } from "./runtime/realm.ts";
import { EntrypointTarget } from "./runtime/worker-isolate.ts";
import type { Trace } from "./trace.ts";

/** The emulator's parts the hosts are made of. */
export interface HostParts {
  readonly options: EmulatorOptions;
  readonly profile: Profile;
  readonly clock: Clock;
  readonly trace: Trace;
  readonly ids: SeededIds;
  readonly faults: FaultPlan;
  readonly log: ((realm: string, level: string, args: unknown[]) => void) | undefined;
  readonly loaders: ReadonlyMap<string, WorkerLoader>;
  readonly dispatcher: DispatcherIsolate;
  /** True if an armed crash fired at this point (the emulator has crashed). */
  crashPoint(point: CrashPoint, context: PointContext): boolean;
}

export function engineHost(parts: HostParts): EngineHost {
  const { options, profile } = parts;
  const compatDate = options.compatibilityDate ?? "2026-01-01";
  const flags = options.compatibilityFlags ?? [];
  const from = profile.preserveNonRetryableMessageFrom;
  const preserve =
    (profile.honoursPreserveFlag && flags.includes("workflows_preserve_non_retryable_error_message")) ||
    (from !== null && compatDate >= from);
  const limits = resolveProductionLimits(profile, options.productionLimits);
  return {
    clock: parts.clock,
    trace: parts.trace,
    profile,
    limits,
    admission: new Admission(limits.runningInstances, limits.queuedInstances),
    stepLimit: DEFAULT_STEP_LIMIT,
    maxLifetimes: options.maxLifetimesPerInstance ?? 10_000,
    restartDelayMs: options.restartDelayMs ?? 0,
    preserveNonRetryableMessage: preserve,
    runWorkflow: (className, event, step) =>
      new EntrypointTarget(
        `dispatcher ${className}`,
        () => parts.dispatcher.get(),
        className,
        undefined,
        Realm.host(),
      ).call("run", [event, step], Realm.host()),
    crashPoint: (point, context) => parts.crashPoint(point, context),
    newId: () => parts.ids.uuid(),
    onQuiet: () => {
      for (const loader of parts.loaders.values()) loader.sweepIdle();
    },
  };
}

export function loaderHost(parts: HostParts): LoaderHost {
  return {
    clock: parts.clock,
    trace: parts.trace,
    profile: parts.profile,
    faults: parts.faults,
    log: parts.log,
    experimental: (parts.options.compatibilityFlags ?? []).includes("experimental"),
    crashPoint: (point: "insideLoader", context: { step?: string }) => parts.crashPoint(point, context),
  };
}
