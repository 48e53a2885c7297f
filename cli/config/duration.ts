/**
 * Durations in dwc.config.json's `explore` section: a number of milliseconds, or a string in the Workflows API's
 * words ("500 ms", "2 days", "1.5 hours"), so an input's event times read like the workflow's own `step.sleep`s.
 * Returns the milliseconds, or why the value is not a duration (the caller adds the field path).
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  second: 1000,
  s: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

const UNITS_TEXT = "millisecond(s)/ms, second(s), minute(s), hour(s), day(s), week(s)";

export type DurationRead = { ms: number } | { problem: string };

export function readDuration(value: unknown): DurationRead {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { problem: `must be a finite number of milliseconds, got ${value}` };
    if (value < 0) return { problem: `is negative (${value} ms): a time after creation is 0 or more` };
    return { ms: value };
  }
  if (typeof value !== "string")
    return { problem: `must be milliseconds (a number) or a duration like "2 days", got ${JSON.stringify(value)}` };
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]+?)s?\s*$/i.exec(value);
  const unit = match ? (UNIT_MS[match[2].toLowerCase()] ?? UNIT_MS[`${match[2].toLowerCase()}s`]) : undefined;
  if (!match || unit === undefined)
    return { problem: `not a duration: ${JSON.stringify(value)} (write "<number> <unit>", units ${UNITS_TEXT})` };
  const amount = Number(match[1]);
  if (amount < 0) return { problem: `is negative (${JSON.stringify(value)}): a time after creation is 0 or more` };
  return { ms: Math.round(amount * unit) };
}
