/**
 * Summaries of repeated measurements: median and spread (min–max and the interquartile range). Pure, no timing.
 */

export interface Summary {
  /** How many samples. */
  n: number;
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation between closest ranks); equal to the median for n = 1. */
  q1: number;
  q3: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of already sorted numbers, interpolating linearly between closest ranks. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of no samples");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function median(samples: readonly number[]): number {
  return quantileSorted(sortedCopy(samples), 0.5);
}

/** Summary of the samples; `null` when there are none (a measurement that could not run). */
export function summarize(samples: readonly number[]): Summary | null {
  const finite = samples.filter((s) => Number.isFinite(s));
  if (finite.length === 0) return null;
  const sorted = sortedCopy(finite);
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    q1: quantileSorted(sorted, 0.25),
    q3: quantileSorted(sorted, 0.75),
  };
}

/**
 * The ratio of two measured quantities: median(a) / median(b), with a conservative range from the extremes
 * (min a / max b … max a / min b). `null` when either side is missing or b could be zero.
 */
export function ratio(a: readonly number[], b: readonly number[]): Summary | null {
  const sa = summarize(a);
  const sb = summarize(b);
  if (!sa || !sb || sb.min <= 0) return null;
  const value = sa.median / sb.median;
  return {
    n: Math.min(sa.n, sb.n),
    median: value,
    min: sa.min / sb.max,
    max: sa.max / sb.min,
    q1: value,
    q3: value,
  };
}

function sortedCopy(samples: readonly number[]): number[] {
  return [...samples].sort((x, y) => x - y);
}
