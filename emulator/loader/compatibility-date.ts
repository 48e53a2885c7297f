/**
 * Step 3 of WorkerCode validation, workerd's `extractCompatFlags` (WL-14, WL-19): `allowExperimental`, repeated
 * flags, then the compatibility date (its shape as workerd's `CompatDate::parse` reads it, and not in the future).
 * workerd reports the first error it collected, in this order.
 */
import type { WorkerCodeFields } from "./worker-code-fields.ts";

export function checkCompatibility(fields: WorkerCodeFields, today: string, parentExperimental = false): void {
  if (fields.allowExperimental && !parentExperimental) {
    // Production never has the flag (experimental flags cannot be deployed); a dispatcher run with it may allow it.
    throw new Error(
      "'allowExperimental' is only allowed when the calling worker has the 'experimental' compat flag set.",
    );
  }
  const seen = new Set<string>();
  for (const flag of fields.compatibilityFlags) {
    if (seen.has(flag)) throw new Error(`Compatibility flag specified multiple times: ${flag}`);
    seen.add(flag);
  }
  // Unknown flag names ("No such compatibility flag: x") are not checked: the emulator has no flag table.
  const date = parseCompatDate(fields.compatibilityDate);
  if (date === null) throw new Error(`Invalid compatibility date: ${fields.compatibilityDate}`);
  const now = parseCompatDate(today);
  if (now !== null && compareDates(now, date) < 0) {
    // Production's wording (CURRENT_DATE_FOR_CLOUDFLARE); local workerd adds today's date to it.
    throw new Error(`Can't set compatibility date in the future: ${formatDate(date)}`);
  }
}

type CompatDate = [year: number, month: number, day: number];

/** Mirrors workerd's `CompatDate::parse`: shape first, then the ranges (so 2022-02-30 passes, as it does there). */
function parseCompatDate(text: string): CompatDate | null {
  if (!text.startsWith("2") || text.length !== 10 || text[4] !== "-" || text[7] !== "-") return null;
  if (!/^[0-9-]+$/.test(text)) return null;
  const match = /^(-?\d+)-(-?\d+)-(-?\d+)/.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 2000 || year >= 3000 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  return [year, month, day];
}

function compareDates(a: CompatDate, b: CompatDate): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function formatDate([year, month, day]: CompatDate): string {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
