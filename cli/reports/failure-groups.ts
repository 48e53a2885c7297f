/**
 * Failures grouped by case across targets: a dispatcher bug usually fails the same case the same way on every
 * target, and listing it once per target buries the second bug under copies of the first. One group per case (in
 * case order), listing the targets it fails on; inside it one variant per distinct failure, with the targets that
 * failed that way and one replay command for all of them.
 */
import { describeFailure } from "../../suites/failure-detail.ts";
import { isFailureStatus, type ResultsEntry, type ResultsJson } from "./results.ts";

export interface FailureVariant {
  status: ResultsEntry["status"];
  targets: string[];
  /** The failure in a few lines: what, where (the assertion's source line), expected and actual. */
  lines: string[];
  /** Listed reason, for a known divergence that now passes. */
  reason?: string;
  /** Replay commands: one for all the targets when they differ only in --target, else one per target. */
  replays: string[];
  /** The first result of the variant, for the renderers that need more (anchors, findings). */
  first: ResultsEntry;
}

export interface FailureGroup {
  caseId: string;
  title: string;
  targets: string[];
  variants: FailureVariant[];
}

export function groupFailures(results: Pick<ResultsJson, "cases" | "results">): FailureGroup[] {
  const titles = new Map(results.cases.map((c) => [c.id, c.title]));
  const order = new Map(results.cases.map((c, i) => [c.id, i]));
  const groups = new Map<string, FailureGroup>();
  const members = new Map<FailureVariant, ResultsEntry[]>();
  for (const r of results.results) {
    if (!isFailureStatus(r.status)) continue;
    const group = groups.get(r.caseId) ?? {
      caseId: r.caseId,
      title: titles.get(r.caseId) ?? "",
      targets: [],
      variants: [],
    };
    groups.set(r.caseId, group);
    group.targets.push(r.target);
    const lines = describeFailure(r.error ?? r.reason ?? "(no error message)", r.failure);
    const same = group.variants.find((v) => v.status === r.status && v.lines.join("\n") === lines.join("\n"));
    if (same) {
      same.targets.push(r.target);
      members.get(same)!.push(r);
      continue;
    }
    const variant: FailureVariant = { status: r.status, targets: [r.target], lines, replays: [], first: r };
    if (r.reason !== undefined) variant.reason = r.reason;
    group.variants.push(variant);
    members.set(variant, [r]);
  }
  for (const [variant, entries] of members) variant.replays = combinedReplay(entries);
  return [...groups.values()].sort((a, b) => (order.get(a.caseId) ?? 0) - (order.get(b.caseId) ?? 0));
}

/**
 * One command for several targets (`--target` is repeatable) when the replays differ only in their target, as
 * they do unless a target carries its own options (the remote target's --url); else each target's own.
 */
export function combinedReplay(entries: readonly Pick<ResultsEntry, "target" | "replay">[]): string[] {
  const replays = entries.map((e) => e.replay).filter((r): r is string => r !== undefined);
  if (replays.length !== entries.length || replays.length < 2) return replays;
  const marker = "\u0000TARGET\u0000";
  const templates = entries.map((e) => e.replay!.replace(` --target ${e.target} `, ` ${marker} `));
  if (templates.some((t) => t !== templates[0] || !t.includes(marker))) return replays;
  return [templates[0].replace(marker, entries.map((e) => `--target ${e.target}`).join(" "))];
}
