/**
 * Durations as Workflows accepts them for sleeps, retry delays, step timeouts and event-wait timeouts (WF-33, WF-50,
 * WF-62): a number of milliseconds, or `"<number> <unit>"` / `"<number> <unit>s"`.
 *
 * The local engine parses these with itty-time 2.0.2's `ms()`. We use its unit sizes (a month is 30 days, a year
 * 365.25 days) and the inputs it handles on purpose: bare numeric strings are milliseconds (`"100"`), and so are the
 * `ms` / `millisecond(s)` units, which its own tests cover. We are stricter where `ms()` only works by accident: it
 * treats any unknown unit as milliseconds (`"5 parsecs"` is 5 ms, `"1 Hour"` is 1 ms), reads `""` as 0, and gives NaN
 * or a negative number for other garbage instead of throwing. Those inputs are user mistakes, so we reject them.
 */
import { WorkflowFatalError } from "./errors.ts";
import { describeValue } from "./describe-value.ts";

export type Duration = number | string;

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Unit sizes in milliseconds, matching itty-time's table (see the file comment). */
const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ["millisecond", 1],
  ["second", SECOND_MS],
  ["minute", MINUTE_MS],
  ["hour", HOUR_MS],
  ["day", DAY_MS],
  ["week", 7 * DAY_MS],
  ["month", 30 * DAY_MS],
  ["year", 365.25 * DAY_MS],
]);

/** Every spelling we accept for a unit: the singular, the plural, and itty-time's `ms` shorthand. */
const UNIT_SPELLINGS: ReadonlyMap<string, number> = new Map([
  ["ms", 1],
  ...[...UNIT_MS].flatMap(([unit, size]): [string, number][] => [
    [unit, size],
    [`${unit}s`, size],
  ]),
]);

/** A non-negative decimal: no sign, no exponent, no hex, so that typos are not silently read as numbers. */
const NUMBER_SOURCE = String.raw`\d+(?:\.\d+)?`;
const BARE_NUMBER = new RegExp(`^${NUMBER_SOURCE}$`);
/** itty-time allows several spaces between number and unit, but nothing before or after. */
const NUMBER_AND_UNIT = new RegExp(`^(${NUMBER_SOURCE}) +([a-z]+)$`);

const EXPECTED_FORMAT =
  'expected milliseconds or "<number> <unit>" with unit second, minute, hour, day, week, month or year';

/**
 * Converts a duration to milliseconds, or throws `WorkflowFatalError` naming `what` (e.g. `sleep "nap"` or
 * `retries.delay of step "fetch"`) and the bad input.
 */
export function parseDuration(input: unknown, what: string): number {
  const ms = toMilliseconds(input);
  if (typeof ms === "string") {
    throw new WorkflowFatalError(`Invalid duration ${describeValue(input)} for ${what}: ${ms}`);
  }
  return ms;
}

/** The duration in milliseconds, or the reason it is not a duration. */
function toMilliseconds(input: unknown): number | string {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return "durations must be finite numbers";
    if (input < 0) return "durations cannot be negative";
    return input + 0; // turns -0 into 0
  }
  if (typeof input !== "string") return EXPECTED_FORMAT;

  if (BARE_NUMBER.test(input)) return finiteOr(Number(input));

  const match = NUMBER_AND_UNIT.exec(input);
  const unitMs = match ? UNIT_SPELLINGS.get(match[2]) : undefined;
  if (match === null || unitMs === undefined) return EXPECTED_FORMAT;
  return finiteOr(Number(match[1]) * unitMs);
}

/** A string of digits can still overflow to Infinity, which no timer can wait for. */
function finiteOr(ms: number): number | string {
  return Number.isFinite(ms) ? ms : "the duration is too large";
}
