/**
 * Where production and the local engine (workers-sdk `workflows-shared`, what `wrangler dev` and miniflare run)
 * behave differently, the emulator follows a profile. Each field names the spec item (§E of
 * docs/spec/workflows-and-worker-loader.md) it stands for. docs/profiles.md lists them for users.
 */
export interface Profile {
  readonly name: "production" | "local";
  /** WF-30 / §E.1: default `retries.delay` (production 10 s, local 1 s). */
  readonly defaultRetryDelayMs: number;
  /** WF-62: the timeout of a `waitForEvent` given none (24 hours in both engines; a falsy timeout means it too). */
  readonly defaultEventTimeoutMs: number;
  /** WF-04, WF-18, WF-61 / §E.5: 1 MiB params, outputs and event payloads; event type rules; 365-day sleeps. */
  readonly enforceLimits: boolean;
  /** WF-73 / §E.2: `create()` with an id in use throws `(instance.already_exists)`; local re-initialises. */
  readonly rejectDuplicateIds: boolean;
  /** WF-75 / §E.2: createBatch skips ids in use and caps at 100 (production); local does neither. */
  readonly batchSkipsDuplicates: boolean;
  /** WF-53 / §E.3: status is `waiting` while sleeping or waiting for a retry; local stays `running`. */
  readonly reportsWaiting: boolean;
  /**
   * The notes' finding 3: production's binding JSON-serialises `create` options (workerd's workflows-api), so
   * `params: undefined` disappears and Dates become strings; local structured-clones them. [INFERRED from source]
   */
  readonly createOptionsEncoding: "json" | "structured-clone";
  /** WF-68 / §E.13: sendEvent to a terminal instance throws (production) or is stored and ignored (local). */
  readonly sendEventToTerminalThrows: boolean;
  /** WF-90 / §E.9: an attempt interrupted by a crash uses up a retry (local) or runs again as the same attempt. */
  readonly interruptedAttemptCounts: boolean;
  /** WF-55: the sleep cache key includes the duration (local); production keys by name and occurrence. */
  readonly sleepKeyIncludesDuration: boolean;
  /** WF-54 / §E.10: a replayed `sleepUntil` in the past throws "time-traveler" (local bug). */
  readonly sleepUntilPastThrows: boolean;
  /**
   * WF-08: production hibernates during sleeps, retry waits and event waits and replays `run()` on wake, so
   * in-memory state is lost and the dispatcher reloads tenant code. Local keeps the same `run()` alive.
   */
  readonly hibernatesOnWait: boolean;
  /** LE-07 / §E.4: after a crash production's alarms wake every non-terminal instance; local wakes none. */
  readonly recoversAfterCrash: boolean;
  /** WF-79 / §E.6: `status()` shape: production omits absent fields; local has `output: null` and step outputs. */
  readonly statusShape: "production" | "local";
  /** WF-76 / §E.7: message of `get()` for a missing instance. */
  readonly notFoundMessage: string;
  /**
   * WF-41 / §E.8: from this compatibility date on, `workflows_preserve_non_retryable_error_message` is on by default.
   * null: never by date.
   */
  readonly preserveNonRetryableMessageFrom: string | null;
  /**
   * Whether the user's explicit `workflows_preserve_non_retryable_error_message` flag is honoured. Both engines do:
   * on workerd (miniflare 4.20260730) the flag takes effect once it reaches the workflow through
   * `workflows[].compatibilityFlags`, as wrangler dev passes it (test/targets/non-retryable-flag.test.ts). An earlier
   * reading "local never honours it" came from a harness that did not pass the flag to the workflow.
   */
  readonly honoursPreserveFlag: boolean;
  /**
   * WF-18: step outputs larger than this fail the attempt (retryable) with
   * `Step <name>-<n> output is too large. Maximum allowed size is 1MiB.` Production: 1 MiB; local: no exact check,
   * only SQLite's ~2 MB value limit.
   */
  readonly stepOutputLimitBytes: number;
  /** WL-06: workerd keeps a failed named load in the cache; production promises nothing, so it tries again. */
  readonly loaderCachesFailures: boolean;
  /**
   * WF-80 / LE-08, local: when a pause takes effect the local engine does not stop `run()`. The step call `run()` is
   * blocked in (a sleep, an event wait, a retry wait, a `step.do` whose attempt just ended) rejects with
   * `Error("Aborting engine: User called pause")`, and so does every later one (a later `step.do` still runs its
   * attempt first). A `run()` that rethrows it stays paused; one that catches it and returns completes while paused.
   * Observed on workerd (miniflare 4.20260730); production: the run stops (replayed on resume).
   */
  readonly pauseRejectsPendingStep: boolean;
  /**
   * LE-06 / WF-63, local: a failed step's error is stored with V8 serialization, which keeps only the built-in error
   * names (TypeError, RangeError, ...). A replay rethrows `WorkflowTimeoutError: Execution timed out after 330ms` as
   * a plain `Error("Execution timed out after 330ms")`. Observed on workerd; production: not known, kept.
   */
  readonly storedStepErrorsKeepName: boolean;
  /**
   * WF-92: active CPU time one `step.do` attempt may use (Workers Paid default 30 s, `limits.cpu_ms` up to 5 min);
   * over it the attempt fails with `Error: Worker exceeded CPU time limit.` and is retried. null: not enforced (the
   * local engine). The emulator option `productionLimits.stepCpuMs` overrides it (docs/profiles.md#production-limits).
   */
  readonly stepCpuLimitMs: number | null;
  /**
   * WF-94 / WF-75 / WF-83: instance creations per second per workflow (each createBatch item and each restart
   * counts); above it `create()` fails with HTTP 429. null: no limit (local). Option `productionLimits.creationsPerSecond`.
   */
  readonly creationRatePerSecond: number | null;
  /**
   * WF-94 / WF-53 / WF-74: instances running at once in the account (50,000 paid); `waiting` ones do not count, the
   * rest stay `queued` until a slot frees (woken instances first). null: no limit (local). Option
   * `productionLimits.runningInstances`.
   */
  readonly maxRunningInstances: number | null;
  /** WF-94: queued instances at most (2,000,000 paid); a create above it is refused. null: no limit (local). */
  readonly maxQueuedInstances: number | null;
  /** WF-75 / §E.2: `createBatch({count | instances})` returning `{created, errors}`; local has only the array form. */
  readonly createBatchObjectForm: boolean;
  /** WF-77: message of `instance.delete()` for an instance that is gone (local: WS/engine.ts `deleteInstance`). */
  readonly deleteNotFoundMessage: string;
  /**
   * WF-95 / §E.12: ended instances are kept for their retention (default: the plan's maximum, 30 days on Paid) and
   * then forgotten, so the id may be used again; null: kept forever and `retention` ignored (local).
   */
  readonly defaultRetentionMs: number | null;
  /** WF-84 / §E.12: `instance.subscribe()` exists (production); the local engine has none. */
  readonly supportsSubscribe: boolean;
  /**
   * WF-19 / WF-93: a step's `ReadableStream` output. Local (workflows-shared `lib/streams.ts`): a chunk over 16 MiB
   * ends the instance, and so does storing more than the Durable Object's 1 GiB + 100 MiB (less 16 KiB of headroom)
   * with "The instance has exceeded the 1GiB storage limit". Production: 1 GB of persisted state per instance (Workers
   * Paid, D-LIMITS); no per-chunk limit is documented, and the error text is not known [INFERRED, worded like local].
   */
  readonly streamOutputs: {
    /** Largest chunk a returned stream may yield; null: no limit. */
    readonly maxInputChunkBytes: number | null;
    /** Stream bytes one instance may store (counted over all its steps' stream outputs). */
    readonly storageLimitBytes: number;
    readonly storageLimitMessage: string;
  };
}

export const PRODUCTION: Profile = {
  name: "production",
  defaultRetryDelayMs: 10_000,
  defaultEventTimeoutMs: 86_400_000,
  enforceLimits: true,
  rejectDuplicateIds: true,
  batchSkipsDuplicates: true,
  reportsWaiting: true,
  createOptionsEncoding: "json",
  sendEventToTerminalThrows: true,
  interruptedAttemptCounts: false,
  sleepKeyIncludesDuration: false,
  sleepUntilPastThrows: false,
  hibernatesOnWait: true,
  recoversAfterCrash: true,
  statusShape: "production",
  notFoundMessage: "(instance.not_found) Instance not found",
  preserveNonRetryableMessageFrom: "2026-05-14",
  honoursPreserveFlag: true,
  loaderCachesFailures: false,
  stepOutputLimitBytes: 1024 * 1024,
  pauseRejectsPendingStep: false,
  storedStepErrorsKeepName: true,
  stepCpuLimitMs: 30_000,
  creationRatePerSecond: 100,
  maxRunningInstances: 50_000,
  maxQueuedInstances: 2_000_000,
  createBatchObjectForm: true,
  deleteNotFoundMessage: "(instance.not_found) Instance not found",
  defaultRetentionMs: 30 * 86_400_000,
  supportsSubscribe: true,
  streamOutputs: {
    maxInputChunkBytes: null,
    storageLimitBytes: 1_000_000_000,
    storageLimitMessage: "The instance has exceeded the 1GB storage limit",
  },
};

export const LOCAL: Profile = {
  name: "local",
  defaultRetryDelayMs: 1_000,
  defaultEventTimeoutMs: 86_400_000,
  enforceLimits: false,
  rejectDuplicateIds: false,
  batchSkipsDuplicates: false,
  reportsWaiting: false,
  createOptionsEncoding: "structured-clone",
  sendEventToTerminalThrows: false,
  interruptedAttemptCounts: true,
  sleepKeyIncludesDuration: true,
  sleepUntilPastThrows: true,
  hibernatesOnWait: false,
  recoversAfterCrash: false,
  statusShape: "local",
  notFoundMessage: "instance.not_found",
  preserveNonRetryableMessageFrom: null,
  honoursPreserveFlag: true,
  loaderCachesFailures: true,
  stepOutputLimitBytes: 2 * 1024 * 1024,
  pauseRejectsPendingStep: true,
  storedStepErrorsKeepName: false,
  // §E.5 / WF-94 [LOCAL]: none of the production limits exist in the local engine.
  stepCpuLimitMs: null,
  creationRatePerSecond: null,
  maxRunningInstances: null,
  maxQueuedInstances: null,
  createBatchObjectForm: false,
  deleteNotFoundMessage: "(instance.not_found) Instance does not exist",
  defaultRetentionMs: null,
  supportsSubscribe: false,
  streamOutputs: {
    maxInputChunkBytes: 16 * 1024 * 1024,
    storageLimitBytes: 1024 * 1024 * 1024 + 100 * 1024 * 1024 - 16 * 1024,
    storageLimitMessage: "The instance has exceeded the 1GiB storage limit",
  },
};

export const PROFILES = { production: PRODUCTION, local: LOCAL } as const;
export type ProfileName = keyof typeof PROFILES;
