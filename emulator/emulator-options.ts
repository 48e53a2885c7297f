/**
 * The Emulator's options (Miniflare 4's shape wherever Miniflare has the option, and the emulator-only ones) and
 * their checks: an unknown key, a bad profile or clock, a workflow or service binding the emulator cannot run each
 * fail with an error naming the option and the fix. Apart from emulator.ts so the constructor reads as construction.
 */
import type { BindingOptions } from "./bindings/binding-options.ts";
import type { ClockMode } from "./clock.ts";
import type { ProductionLimitOptions } from "./engine/production-limits.ts";
import { EmulatorUsageError } from "./lib/errors.ts";
import { validateWorkflowName } from "./lib/validators.ts";
import type { ModuleDefinition } from "./loader/dispatcher-code.ts";
import type { LoaderPolicy } from "./loader/worker-loader.ts";
import { PROFILES, type Profile, type ProfileName } from "./profiles.ts";

export interface WorkflowOptions {
  /** The workflow's name (WF-72), as in wrangler's `workflows[].name`. */
  name: string;
  /** The exported class of the dispatcher that implements `run()`. */
  className: string;
  /** WF-91: `limits.steps`; default 10,000. */
  limits?: { steps?: number };
}

export interface EmulatorOptions extends BindingOptions {
  /** Miniflare shape: the dispatcher's modules (first is main), or `true` with `scriptPath`. */
  modules?: ModuleDefinition[] | boolean;
  /** The main module's source (ES module). */
  script?: string;
  /** A file to bundle with esbuild (TypeScript and npm imports are fine). */
  scriptPath?: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  workflows?: Record<string, WorkflowOptions>;
  /** Miniflare shape `{ LOADER: {} }`; emulator-only eviction policy keys `capacity` and `evictWhenIdle`. */
  workerLoaders?: Record<string, LoaderPolicy>;
  /** Vars and secrets: plain values (strings, numbers, JSON), copied into the dispatcher's env. */
  bindings?: Record<string, unknown>;
  /** Service bindings handled in Node: `(request) => Response`. */
  serviceBindings?: Record<string, (request: Request) => Response | Promise<Response>>;
  /** Production or local-engine (wrangler dev) behaviour where they differ. Default "production". */
  profile?: ProfileName;
  /** Virtual time (default) or wall-clock time. */
  clock?: ClockMode;
  /** Seeds generated ids, so a run replays exactly. Default 1. */
  seed?: number;
  /** Virtual start time (epoch ms). Default 2026-01-01T00:00:00Z. */
  startTime?: number;
  /** Record trace events (default true). */
  trace?: boolean;
  /** Where worker `console.*` goes. Default: the host console; `false` silences it. */
  log?: ((realm: string, level: string, args: unknown[]) => void) | false;
  /**
   * A safety valve: an instance replayed more often than this ends errored with EmulatorLivelockError (e.g. step
   * names that change on every replay, so nothing is ever cached). Default 10,000.
   */
  maxLifetimesPerInstance?: number;
  /**
   * WF-92 / WF-94: set or switch off (`false`) each production limit: `stepCpuMs`, `creationsPerSecond`,
   * `runningInstances`, `queuedInstances`, and the `cpuMeter` that reads CPU time. Default: the profile's (production
   * 30 s, 100/s, 50,000, 2,000,000; local none). docs/profiles.md#production-limits.
   */
  productionLimits?: ProductionLimitOptions;
  /**
   * How long after a crash (`crash()`, an armed crash point) the production profile restarts the instances it
   * interrupted, in virtual ms. Default 0: at once. A real restart comes later, so `Date.now()` read outside a step
   * differs in the next lifetime; `dwc explore` sets a delay so a step name built from the clock shows up.
   */
  restartDelayMs?: number;
}

export interface RunUntilIdleOptions {
  /** Stop with an error if more virtual time than this passes (a workflow that never ends). Default 10 years. */
  maxAdvanceMs?: number;
  /**
   * Also move time to pending `waitForEvent` timeouts, so an instance waiting for an event that never comes times
   * out (and, unless it catches the error, ends errored). Default false: an event wait is "blocked", and time only
   * reaches its timeout if it must pass for something else (a sleep, a retry, `time.advance`).
   */
  fireTimeouts?: boolean;
}

export const DEFAULT_STEP_LIMIT = 10_000;
const KNOWN_OPTIONS = new Set([
  "modules",
  "script",
  "scriptPath",
  "compatibilityDate",
  "compatibilityFlags",
  "workflows",
  "workerLoaders",
  "bindings",
  "serviceBindings",
  "kvNamespaces",
  "r2Buckets",
  "durableObjects",
  "profile",
  "clock",
  "seed",
  "startTime",
  "trace",
  "log",
  "maxLifetimesPerInstance",
  "productionLimits",
  "restartDelayMs",
]);

/** An option the emulator does not know is refused, with the list of those it knows. */
export function refuseUnknownOptions(options: EmulatorOptions): void {
  for (const key of Object.keys(options ?? {})) {
    if (!KNOWN_OPTIONS.has(key))
      throw new EmulatorUsageError(`Unknown emulator option "${key}". Known options: ${[...KNOWN_OPTIONS].join(", ")}`);
  }
}

/** The profile the options name (default production); a bad name is refused. */
export function profileOf(options: EmulatorOptions): Profile {
  const profile = PROFILES[options.profile ?? "production"];
  if (!profile)
    throw new EmulatorUsageError(`profile must be "production" or "local", got ${JSON.stringify(options.profile)}`);
  return profile;
}

export function checkClockMode(options: EmulatorOptions): void {
  if (options.clock !== undefined && options.clock !== "virtual" && options.clock !== "real") {
    throw new EmulatorUsageError(`clock must be "virtual" or "real", got ${JSON.stringify(options.clock)}`);
  }
}

/** One `workflows` entry: a class of the dispatcher itself, with a valid name. */
export function checkWorkflowOptions(binding: string, workflow: WorkflowOptions): void {
  if (!workflow || typeof workflow.className !== "string") {
    throw new EmulatorUsageError(`workflows.${binding} needs { name, className }`);
  }
  const scriptName = (workflow as { scriptName?: unknown }).scriptName;
  if (scriptName !== undefined) {
    throw new EmulatorUsageError(
      `workflows.${binding} names scriptName "${scriptName}": a Workflow of another worker is not supported by the ` +
        "emulator (it runs one worker, the dispatcher). Export the workflow class from the dispatcher, or run this " +
        "subject on the workerd target.",
    );
  }
  validateWorkflowName(workflow.name);
}

/** Service bindings are functions handled in Node: the emulator runs one worker. */
export function checkServiceBindings(options: EmulatorOptions): void {
  for (const [binding, handler] of Object.entries(options.serviceBindings ?? {})) {
    if (typeof handler !== "function") {
      throw new EmulatorUsageError(
        `serviceBindings.${binding} must be a function (request) => Response handled in Node, got ${JSON.stringify(handler)}: ` +
          "the emulator runs one worker, so a binding to another worker by name is not supported. Serve it with a " +
          "function, or run this subject on the workerd target.",
      );
    }
  }
}
