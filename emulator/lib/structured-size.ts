/**
 * A cheap upper bound of `v8.serialize(value).byteLength`, for the size limits on stored values (step outputs,
 * workflow outputs). Serialising every step output only to learn that a small marker object is far below 1 MiB
 * showed in profiles (a Serializer, a buffer and a copy per step); the bound walks the value instead and answers
 * "certainly at most `limit`" or "don't know" (then the caller serialises, exactly as before).
 *
 * It only understands what `transfer`'s `clone` mode produces most of the time: primitives, strings, plain objects and
 * arrays. Anything else (Date, Map, typed arrays, BigInt...), more than `MAX_NODES` values (a cycle, a large graph)
 * or a bound above `limit` answers `false`.
 */

const MAX_NODES = 2_048;

/**
 * Bounds per value, in V8's serialisation format (ValueSerializer, format version 15): a tag byte, varints of at most
 * 5 bytes for lengths and counts, at most 2 bytes per UTF-16 code unit plus 1 byte of alignment padding for strings,
 * 9 bytes for a double. Repeated references are counted in full each time (an over-estimate, which is safe).
 */
const HEADER = 2;
const SMALL_VALUE = 10; // undefined, null, booleans, numbers (tag + double or varint)
const STRING_OVERHEAD = 1 + 5 + 1; // tag, length varint, padding
const OBJECT_OVERHEAD = 1 + 1 + 5; // begin tag, end tag, property count
const ARRAY_OVERHEAD = 1 + 5 + 1 + 5 + 5; // tag, length, end tag, property count, length
const INDEX_KEY = SMALL_VALUE; // sparse arrays write each index as a number key

/** True when `v8.serialize(value).byteLength` is certainly at most `limit`. */
export function structuredSizeAtMost(value: unknown, limit: number): boolean {
  const budget = { nodes: MAX_NODES, bytes: limit - HEADER };
  return fits(value, budget) && budget.bytes >= 0;
}

function fits(value: unknown, budget: { nodes: number; bytes: number }): boolean {
  if (--budget.nodes < 0) return false;
  switch (typeof value) {
    case "undefined":
    case "boolean":
    case "number":
      budget.bytes -= SMALL_VALUE;
      return budget.bytes >= 0;
    case "string":
      budget.bytes -= STRING_OVERHEAD + 2 * value.length;
      return budget.bytes >= 0;
    case "object":
      break;
    default:
      return false; // bigint, symbol, function: let the real serializer decide
  }
  if (value === null) {
    budget.bytes -= SMALL_VALUE;
    return budget.bytes >= 0;
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    budget.bytes -= ARRAY_OVERHEAD;
    for (let i = 0; i < value.length; i++) {
      budget.bytes -= INDEX_KEY;
      if (!fits(value[i], budget)) return false;
    }
    // Any other own property of the array (a named one) is written as a key and a value.
    const keys = Object.keys(value);
    if (keys.length !== value.length) {
      for (const key of keys) {
        if (isIndex(key)) continue;
        budget.bytes -= STRING_OVERHEAD + 2 * key.length;
        if (!fits((value as unknown as Record<string, unknown>)[key], budget)) return false;
      }
    }
    return budget.bytes >= 0;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  budget.bytes -= OBJECT_OVERHEAD;
  for (const key of Object.keys(value)) {
    budget.bytes -= isIndex(key) ? INDEX_KEY : STRING_OVERHEAD + 2 * key.length;
    if (!fits((value as Record<string, unknown>)[key], budget)) return false;
  }
  return budget.bytes >= 0;
}

function isIndex(key: string): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < 4_294_967_295 && String(n) === key;
}
