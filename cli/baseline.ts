/**
 * The findings baseline (`dwc.baseline.json`): the findings a team has acknowledged, by stable id and target, so CI
 * stays green with known findings and turns red when a new one appears. It is a ratchet, like the known divergences
 * (suites/divergences.ts): an acknowledged finding that no longer appears fails the run too, until it is removed
 * from the file, so the baseline never keeps excusing something that was fixed.
 *
 * A (finding, target) pair is only judged "gone" when its case ran on that target and completed (pass or finding):
 * a run of one suite or one target, or a case that failed or was unsupported, says nothing about the others.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Severity } from "../contract/case.ts";
import type { BaselineOutcome, FindingSighting, ResultsEntry } from "./reports/results.ts";

export const DEFAULT_BASELINE_FILE = "dwc.baseline.json";
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  /** `<case id>:<key>` (results.json `findings[].id`). */
  id: string;
  /** Targets it is acknowledged on. */
  targets: string[];
  /** For the reader of the file; not compared. */
  severity: Severity;
  title: string;
}

export interface BaselineFile {
  version: number;
  about: string;
  findings: BaselineEntry[];
}

const ABOUT =
  "Findings acknowledged by `dwc run --baseline`: each stays green while it appears, a new one fails the run, and one that no longer appears fails it until it is removed here (docs/findings.md#baseline). Rewrite with `dwc run --write-baseline`.";

export class BaselineError extends Error {
  override name = "BaselineError";
}

/** Reads and checks a baseline file; every problem names the file and the fix (`command`: how `dwc run` is typed here). */
export function readBaseline(path: string, shown: string = path, command = "dwc run"): BaselineFile {
  if (!existsSync(path)) {
    throw new BaselineError(
      `${shown}: no such baseline file. Write one from the current findings with: ${command} --write-baseline ${shown}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new BaselineError(
      `${shown}: not JSON (${(error as Error).message}); rewrite it with ${command} --write-baseline ${shown}`,
    );
  }
  const fail = (problem: string): never => {
    throw new BaselineError(`${shown}: ${problem} (rewrite it with ${command} --write-baseline ${shown})`);
  };
  if (typeof data !== "object" || data === null || Array.isArray(data)) return fail("not a JSON object");
  const file = data as Partial<BaselineFile>;
  if (file.version !== BASELINE_VERSION)
    fail(`version is ${JSON.stringify(file.version)}, this harness reads version ${BASELINE_VERSION}`);
  if (!Array.isArray(file.findings)) return fail(`"findings" must be an array`);
  file.findings.forEach((entry, i) => {
    const ok =
      typeof entry === "object" &&
      entry !== null &&
      typeof entry.id === "string" &&
      entry.id.includes(":") &&
      Array.isArray(entry.targets) &&
      entry.targets.every((t) => typeof t === "string");
    if (!ok) fail(`findings[${i}] must be { "id": "<case id>:<key>", "targets": ["<target>", …] }`);
  });
  return file as BaselineFile;
}

/** Every (finding, target) pair seen in the results. */
export function sightings(results: readonly ResultsEntry[]): FindingSighting[] {
  return results.flatMap((r) =>
    (r.findings ?? []).map((f) => ({
      id: f.id,
      caseId: r.caseId,
      target: r.target,
      severity: f.severity,
      title: f.title,
    })),
  );
}

/** Did this case run to the end on this target, so that a finding missing there is really gone? */
function completed(results: readonly ResultsEntry[], caseId: string, target: string): boolean {
  const r = results.find((x) => x.caseId === caseId && x.target === target);
  return r !== undefined && (r.status === "pass" || r.status === "finding");
}

const caseOf = (id: string) => id.slice(0, id.lastIndexOf(":"));

export function compareBaseline(
  baseline: BaselineFile,
  results: readonly ResultsEntry[],
  shownFile: string,
): BaselineOutcome {
  const acknowledged = new Set(baseline.findings.flatMap((f) => f.targets.map((t) => `${f.id}\u0000${t}`)));
  const seen = sightings(results);
  const seenKeys = new Set(seen.map((s) => `${s.id}\u0000${s.target}`));
  const fresh = seen.filter((s) => !acknowledged.has(`${s.id}\u0000${s.target}`));
  const gone: FindingSighting[] = [];
  for (const entry of baseline.findings) {
    for (const target of entry.targets) {
      if (seenKeys.has(`${entry.id}\u0000${target}`) || !completed(results, caseOf(entry.id), target)) continue;
      gone.push({ id: entry.id, caseId: caseOf(entry.id), target, severity: entry.severity, title: entry.title });
    }
  }
  return { file: shownFile, acknowledged: seen.length - fresh.length, new: fresh, gone };
}

/**
 * The baseline after this run: the findings it saw, plus the entries of `previous` for cases this run did not
 * complete on a target (another suite, another target, a failed case), so rewriting after a partial run keeps them.
 */
export function baselineFrom(results: readonly ResultsEntry[], previous?: BaselineFile): BaselineFile {
  const byId = new Map<string, BaselineEntry>();
  const add = (s: Pick<BaselineEntry, "id" | "severity" | "title">, target: string) => {
    const entry = byId.get(s.id) ?? { id: s.id, targets: [], severity: s.severity, title: s.title };
    if (!entry.targets.includes(target)) entry.targets.push(target);
    byId.set(s.id, entry);
  };
  for (const entry of previous?.findings ?? []) {
    for (const target of entry.targets) if (!completed(results, caseOf(entry.id), target)) add(entry, target);
  }
  for (const s of sightings(results)) add(s, s.target);
  const findings = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const f of findings) f.targets.sort();
  return { version: BASELINE_VERSION, about: ABOUT, findings };
}

export async function writeBaseline(path: string, file: BaselineFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, "utf8");
}

/** The lines `dwc run` prints after comparing: nothing new or gone is one line; otherwise each with what to do. */
export function describeOutcome(outcome: BaselineOutcome, rewrite: string): string[] {
  const lines = [
    `Baseline ${outcome.file}: ${outcome.acknowledged} acknowledged, ${outcome.new.length} new, ${outcome.gone.length} gone`,
  ];
  for (const s of outcome.new) {
    lines.push(`  NEW [${s.severity}] ${s.id} on ${s.target}: ${s.title}`);
  }
  if (outcome.new.length > 0) lines.push(`      fix it (see the finding's fix above), or acknowledge it: ${rewrite}`);
  for (const s of outcome.gone) {
    lines.push(`  GONE ${s.id} on ${s.target}: acknowledged in the baseline but no longer found`);
  }
  if (outcome.gone.length > 0) lines.push(`      remove it from the baseline: ${rewrite}`);
  return lines;
}
