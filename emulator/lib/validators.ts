/**
 * Input checks for the Workflow binding and the step API: ids, names, event types and step configs.
 *
 * Messages start with the local engine's text (workers-sdk `packages/workflows-shared/src/lib/validators.ts` and
 * `context.ts`) so tests can match on it, then say what exactly is wrong, which the local engine does not.
 */
import type { Profile } from "../profiles.ts";
import type { Backoff } from "./backoff.ts";
import { parseDuration } from "./duration.ts";
import { EmulatorUsageError, NonRetryableDelayError, WorkflowError, WorkflowFatalError } from "./errors.ts";
import { describeValue } from "./describe-value.ts";

/** WF-71, WF-72, WF-61: ids, workflow names and event types share one pattern. */
const ID_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9_-]*$/;
const ID_RULE = "characters of letters, digits, '-' and '_', not starting with '-'";

const MAX_INSTANCE_ID_LENGTH = 100; // WF-71
const MAX_WORKFLOW_NAME_LENGTH = 64; // WF-72
const MAX_EVENT_TYPE_LENGTH = 100; // WF-61
const MAX_STEP_NAME_LENGTH = 256; // WF-11
const MAX_RETRY_LIMIT = 10_000; // WF-31: at most 10,000 retries per step

// eslint-disable-next-line no-control-regex -- WF-11 forbids exactly these control characters
const CONTROL_CHARACTER = /[\x00-\x1F]/;

const BACKOFFS: readonly Backoff[] = ["constant", "linear", "exponential"];

/** WF-30: the default timeout, kept in the user-visible config as the local engine writes it. */
const DEFAULT_TIMEOUT = "10 minutes";
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1_000;
const DEFAULT_RETRY_LIMIT = 5;
const DEFAULT_BACKOFF: Backoff = "exponential";

const SLEEPING_AND_RETRYING_DOCS = "https://developers.cloudflare.com/workflows/build/sleeping-and-retrying/";

/** WF-71: `create()` ids. Returns the id unchanged. */
export function validateInstanceId(id: unknown): string {
  if (typeof id !== "string") {
    throw new WorkflowError(
      `Workflow instance has invalid id: ${describeValue(id)} (ids must be strings of 1-${MAX_INSTANCE_ID_LENGTH} ${ID_RULE})`,
    );
  }
  if (id.length > MAX_INSTANCE_ID_LENGTH || !ID_PATTERN.test(id)) {
    throw new WorkflowError(
      `Workflow instance has invalid id: ${describeValue(id)} (ids are 1-${MAX_INSTANCE_ID_LENGTH} ${ID_RULE}${lengthNote(id, MAX_INSTANCE_ID_LENGTH)})`,
    );
  }
  return id;
}

/** WF-72: the `name` of a workflow in the emulator's config. A bad one is a setup mistake, not a Workflows error. */
export function validateWorkflowName(name: unknown): string {
  if (typeof name !== "string" || name.length > MAX_WORKFLOW_NAME_LENGTH || !ID_PATTERN.test(name)) {
    const note = typeof name === "string" ? lengthNote(name, MAX_WORKFLOW_NAME_LENGTH) : "";
    throw new EmulatorUsageError(
      `Invalid workflow name ${describeValue(name)}: workflow names are 1-${MAX_WORKFLOW_NAME_LENGTH} ${ID_RULE}${note}`,
    );
  }
  return name;
}

/**
 * WF-11: step names. Only length and control characters are checked; the empty string is allowed, as it is locally.
 * The local engine coerces non-strings; we refuse them because a step name is part of the cache key (WF-12).
 */
export function validateStepName(name: unknown): string {
  if (typeof name !== "string") {
    throw new WorkflowFatalError(`Step name must be a string, got ${describeValue(name)}`);
  }
  if (name.length > MAX_STEP_NAME_LENGTH || CONTROL_CHARACTER.test(name)) {
    throw new WorkflowFatalError(
      `Step name "${name}" exceeds max length (${MAX_STEP_NAME_LENGTH} chars) or invalid characters found`,
    );
  }
  return name;
}

/**
 * WF-61: the `type` of `waitForEvent` and `sendEvent`. Production enforces this; the local engine does not, so
 * callers skip it when `profile.enforceLimits` is off.
 */
export function validateEventType(type: unknown): string {
  if (typeof type !== "string" || type.length > MAX_EVENT_TYPE_LENGTH || !ID_PATTERN.test(type)) {
    const note = typeof type === "string" ? lengthNote(type, MAX_EVENT_TYPE_LENGTH) : "";
    throw new WorkflowError(
      `(workflow.invalid_event_type) Invalid event type ${describeValue(type)}: event types are 1-${MAX_EVENT_TYPE_LENGTH} ${ID_RULE}${note}`,
    );
  }
  return type;
}

export interface ResolvedStepConfig {
  retries: {
    limit: number;
    /** The base delay before backoff; null when delay is a function (WF-35). */
    delayMs: number | null;
    delayFn: ((arg: unknown) => unknown) | null;
    backoff: Backoff;
  };
  timeoutMs: number;
  sensitive: "output" | null;
  /**
   * What the step callback sees as ctx.config (WF-15): the user's config with defaults merged in, durations as the
   * user wrote them, and retries.delay left out when it is a function. A fresh plain object each call.
   */
  visible: Record<string, unknown>;
}

/**
 * WF-30, WF-33, WF-34, WF-35, WF-15: validates a `step.do` config and merges in the defaults. `undefined` and `null`
 * mean "no config" (the local engine reads `config ?? {}`). A key whose value is `undefined` counts as absent.
 */
export function resolveStepConfig(
  stepName: string,
  config: unknown,
  profile: Pick<Profile, "defaultRetryDelayMs">,
): ResolvedStepConfig {
  // No closures here: this runs for every step.do call, and under tsx each named closure costs a `__name` call.
  const invalid = invalidStepConfig;
  const duration = stepConfigDuration;

  const given = config ?? {};
  if (!isRecord(given)) throw invalid(stepName, `the config must be an object, got ${describeValue(given)}`);
  rejectUnknownKeys(given, ["retries", "timeout", "sensitive"], "", stepName);

  let limit = DEFAULT_RETRY_LIMIT;
  let backoff = DEFAULT_BACKOFF;
  let delayMs: number | null = profile.defaultRetryDelayMs; // WF-30 / §E.1: 10 s in production, 1 s locally
  let delayFn: ((arg: unknown) => unknown) | null = null;
  let visibleDelay: unknown = profile.defaultRetryDelayMs;

  if (given.retries !== undefined) {
    const retries = given.retries;
    if (!isRecord(retries)) throw invalid(stepName, `retries must be an object, got ${describeValue(retries)}`);
    rejectUnknownKeys(retries, ["limit", "delay", "backoff"], "retries.", stepName);
    // WF-34: a retries object replaces the defaults' limit and delay, so both must be given.
    if (retries.limit === undefined) throw invalid(stepName, "retries.limit is required when retries is given");
    if (retries.delay === undefined) throw invalid(stepName, "retries.delay is required when retries is given");

    if (!isRetryLimit(retries.limit)) {
      throw invalid(
        stepName,
        `retries.limit must be an integer from 0 to ${MAX_RETRY_LIMIT}, got ${describeValue(retries.limit)}`,
      );
    }
    limit = retries.limit;

    if (typeof retries.delay === "function") {
      delayFn = retries.delay as (arg: unknown) => unknown;
      delayMs = null;
      visibleDelay = undefined; // WF-15: a function cannot be shown to (or sent back to) the callback
    } else {
      delayMs = duration(stepName, retries.delay, "retries.delay");
      visibleDelay = retries.delay;
    }

    if (retries.backoff !== undefined) {
      if (!BACKOFFS.includes(retries.backoff as Backoff)) {
        throw invalid(
          stepName,
          `retries.backoff must be one of ${BACKOFFS.join(", ")}, got ${describeValue(retries.backoff)}`,
        );
      }
      backoff = retries.backoff as Backoff;
    }
  }

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let visibleTimeout: unknown = DEFAULT_TIMEOUT;
  if (given.timeout !== undefined) {
    timeoutMs = duration(stepName, given.timeout, "timeout");
    // WF-34: a zero timeout would fail every attempt before it starts.
    if (timeoutMs === 0) throw invalid(stepName, `timeout must be greater than 0, got ${describeValue(given.timeout)}`);
    visibleTimeout = given.timeout;
  }

  let sensitive: "output" | null = null;
  if (given.sensitive !== undefined) {
    if (given.sensitive !== "output")
      throw invalid(stepName, `sensitive must be "output", got ${describeValue(given.sensitive)}`);
    sensitive = "output";
  }

  // Key order follows the local engine's ctx.config: retries {limit, backoff, delay}, timeout, then sensitive.
  const visibleRetries: Record<string, unknown> = { limit, backoff };
  if (delayFn === null) visibleRetries.delay = visibleDelay;
  const visible: Record<string, unknown> = { retries: visibleRetries, timeout: visibleTimeout };
  if (sensitive !== null) visible.sensitive = sensitive;

  return { retries: { limit, delayMs, delayFn, backoff }, timeoutMs, sensitive, visible };
}

function invalidStepConfig(stepName: string, reason: string): Error {
  return new WorkflowFatalError(
    `Step config for "${stepName}" is in a invalid format. See ${SLEEPING_AND_RETRYING_DOCS} (${reason})`,
  );
}

/** Durations are checked by parseDuration; its message already names the field and the input. */
function stepConfigDuration(stepName: string, input: unknown, field: string): number {
  try {
    return parseDuration(input, `${field} of step "${stepName}"`);
  } catch (error) {
    throw invalidStepConfig(stepName, (error as Error).message);
  }
}

/**
 * WF-35: checks what a retry-delay function returned and converts it to milliseconds (the base, before backoff).
 * `count` is the step's occurrence number (WF-12), so the message names the step as `<name>-<count>` like the local
 * engine does (workflows-shared `context.ts`, text from `retries.ts`).
 */
export function assertRetryDelayResult(value: unknown, stepName: string, count: number): number {
  try {
    return parseDuration(value, `the value returned by the delay function of step "${stepName}"`);
  } catch {
    throw new NonRetryableDelayError(
      `The delay function for step "${stepName}-${count}" returned an invalid delay value ` +
        `(expected a number of ms or a duration string like "30 seconds")`,
    );
  }
}

/** WF-31: a whole number of retries. The local engine also takes fractions (zod `number().gte(0)`); we do not. */
function isRetryLimit(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_RETRY_LIMIT;
}

/** A non-null, non-array object. Checked by shape, not prototype, because configs may come from another realm. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(
  object: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
  stepName: string,
): void {
  let unknown: string | undefined;
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      unknown = key;
      break;
    }
  }
  if (unknown !== undefined) {
    throw invalidStepConfig(
      stepName,
      `unknown key "${prefix}${unknown}"; allowed keys are ${allowed.map((k) => prefix + k).join(", ")}`,
    );
  }
}

/** Tells the user how far over the limit a string is, which is hard to see in a long id. */
function lengthNote(value: string, max: number): string {
  return value.length > max ? `; this one has ${value.length}` : "";
}
