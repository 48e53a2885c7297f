/**
 * The shape of a benchmark result: one row per metric, with its samples, their summary, and an optional goal with
 * its verdict. Workloads produce `RowInput`s; `shapeRow` adds the summary and the verdict. Pure.
 */
import { ratio, summarize, type Summary } from "./stats.ts";

export type TargetName = "emulator" | "workerd" | "emulator/workerd";

export interface Goal {
  /** As shown in the table, e.g. "≥ 200". */
  label: string;
  op: ">=" | "<";
  value: number;
}

export interface RowInput {
  /** The measurement it belongs to (`--only` name). */
  measurement: string;
  /** What is measured, e.g. "instances/s (1 s sleep)". */
  metric: string;
  target: TargetName;
  unit: string;
  /** One number per run; empty when it could not run (say why in `note`). */
  samples: number[];
  /** A precomputed summary (a ratio of two rows), used instead of summarizing `samples`. */
  summary?: Summary | null;
  goal?: Goal;
  note?: string;
}

export type Verdict = "pass" | "miss" | "n/a";

export interface Row extends RowInput {
  summary: Summary | null;
  verdict: Verdict | null;
}

export function shapeRow(input: RowInput): Row {
  const summary = input.summary !== undefined ? input.summary : summarize(input.samples);
  return { ...input, summary, verdict: verdictOf(input.goal, summary) };
}

/** A goal is judged on the median; no goal → null; a goal without a result → "n/a". */
export function verdictOf(goal: Goal | undefined, summary: Summary | null): Verdict | null {
  if (!goal) return null;
  if (!summary) return "n/a";
  const ok = goal.op === ">=" ? summary.median >= goal.value : summary.median < goal.value;
  return ok ? "pass" : "miss";
}

/** The row "a / b" (e.g. emulator instances/s over workerd instances/s), from two rows' samples. */
export function ratioRow(
  base: Omit<RowInput, "samples" | "summary" | "target" | "unit">,
  a: RowInput,
  b: RowInput,
): RowInput {
  return { ...base, target: "emulator/workerd", unit: "×", samples: [], summary: ratio(a.samples, b.samples) };
}
