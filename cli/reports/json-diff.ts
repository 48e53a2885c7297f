/**
 * Where two JSON values differ, as one line per differing leaf: `output.total: 30 → 60`, `output.items[2]: (absent) →
 * "gift"`. For the explore report's "same result" findings: a fault-free output and a faulted one are usually large
 * and differ in one field, which a side-by-side dump hides.
 */

export interface JsonDifference {
  /** `$` for the root, then `.key` / `[index]`. */
  path: string;
  expected: string;
  actual: string;
}

const ABSENT = "(absent)";
const shown = (value: unknown): string => (value === undefined ? ABSENT : JSON.stringify(value));
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every differing leaf, in document order; at most `limit` (a wholly different value is one line at its root). */
export function jsonDiff(expected: unknown, actual: unknown, limit = 50): JsonDifference[] {
  const out: JsonDifference[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`);
      return;
    }
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const key of keys)
        walk(a[key], b[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
      return;
    }
    if (shown(a) !== shown(b)) out.push({ path, expected: shown(a), actual: shown(b) });
  };
  walk(expected, actual, "$");
  return out;
}

export const renderJsonDifference = (d: JsonDifference): string => `${d.path}: ${d.expected} → ${d.actual}`;
