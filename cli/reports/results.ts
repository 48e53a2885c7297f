/**
 * The machine-readable report (`reports/results.json`) and how it is built from a run. The JUnit and HTML reports
 * are rendered from this same object, so the three never disagree.
 *
 * Key order is fixed (objects are built field by field below, optional fields omitted rather than undefined), so
 * two runs with the same outcome differ only in times.
 */
import type { Capabilities } from "../../contract/capabilities.ts";
import type { Finding, FindingSubject, Severity } from "../../contract/case.ts";
import type { ProfileName } from "../../contract/emulator-surface.ts";
import type { FuzzResultsJson } from "./fuzz-results.ts";
import type { FailureDetail } from "../../suites/failure-detail.ts";
import { CASE_STATUSES, isFailure, type CaseResult, type CaseStatus } from "../../suites/run-case.ts";

/** Bumped when a field changes meaning or is removed; adding an optional field does not bump it. */
export const RESULTS_VERSION = 2;

export const STATUSES = CASE_STATUSES;

export const SEVERITIES: readonly Severity[] = ["high", "medium", "low"];

export interface ResultsJson {
  /** Format version of this file (RESULTS_VERSION). */
  version: number;
  /** When the run started, ISO 8601. */
  startedAt: string;
  durationMs: number;
  /**
   * "fail" when any result is `fail` or `divergence-fixed`, or a baseline was given and a finding is new or an
   * acknowledged one is gone (the CLI's exit status is then non-zero).
   */
  verdict: "pass" | "fail";
  subject: {
    /** The dispatcher under test, relative to the repository (the reference dispatcher by default). */
    dispatcher: string;
    /** `@cloudflare/dynamic-workflows@<version>`, read from node_modules. */
    library: string;
  };
  targets: ResultsTarget[];
  cases: ResultsCase[];
  /** In run order: target by target, case by case. */
  results: ResultsEntry[];
  /** Per target (in run order): how many results had each status, and the total. */
  summary: Record<string, StatusCounts>;
  /** Findings about the subject, once per id, most severe first. */
  findings: ResultsFinding[];
  /** The fuzz run merged into this report by `dwc report --from` (its verdict is part of `verdict`). */
  fuzz?: FuzzResultsJson;
  /** Only when the run compared with a baseline file (`dwc run --baseline`): what it acknowledged, what is new/gone. */
  baseline?: BaselineOutcome;
}

/** One finding on one target. */
export interface FindingSighting {
  id: string;
  caseId: string;
  target: string;
  severity: Severity;
  title: string;
}

export interface BaselineOutcome {
  /** The baseline file, as the CLI shows paths. */
  file: string;
  /** How many (finding, target) pairs the baseline acknowledged in this run. */
  acknowledged: number;
  /** Seen in this run, not in the baseline: fails the run (fix it, or acknowledge it by rewriting the baseline). */
  new: FindingSighting[];
  /** In the baseline, its case completed on that target, and it was not seen: fails the run (the ratchet). */
  gone: FindingSighting[];
}

export interface ResultsTarget {
  name: string;
  /** Whose behaviour the target shows where production and the local engine differ (docs/profiles.md). */
  profile: ProfileName;
  capabilities: Capabilities;
  /** Only for the remote target: the deployment's URL (never the token). */
  url?: string;
}

export interface ResultsCase {
  id: string;
  title: string;
  spec: string[];
  suite: string;
}

export interface ResultsEntry {
  caseId: string;
  target: string;
  status: CaseStatus;
  durationMs: number;
  error?: string;
  /** The failure as structure: which assertion (source line), operator, expected, actual. */
  failure?: FailureDetail;
  reason?: string;
  findings?: ResultsEntryFinding[];
  /** One command that re-runs exactly this case on this target. Absent for `pass` and `unsupported`. */
  replay?: string;
}

export interface ResultsEntryFinding {
  /** `<case id>:<key>`: stable, what a baseline file lists. */
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
  about?: FindingSubject;
  fix?: string;
}

export type StatusCounts = Record<CaseStatus, number> & { total: number };

export interface ResultsFinding {
  id: string;
  severity: Severity;
  title: string;
  explanation: string;
  about?: FindingSubject;
  fix?: string;
  /** With a baseline: `new` when seen on a target the baseline does not acknowledge it for. */
  baseline?: "acknowledged" | "new";
  /** Case ids that reported it, in run order. */
  cases: string[];
  /** Targets it was seen on, in run order. */
  targets: string[];
}

/** What the CLI (or a test) hands the report writers. Targets need not have been started. */
export interface ReportRun {
  startedAt: Date | string;
  durationMs: number;
  /** The dispatcher under test, as a path relative to the repository (or absolute; shown as given). */
  dispatcher: string;
  /** Defaults to the version installed in node_modules. */
  library?: string;
  targets: readonly { name: string; profile: ProfileName; capabilities: Capabilities; url?: string }[];
  cases: readonly { id: string; title: string; spec: readonly string[] }[];
  results: readonly CaseResult[];
  /** Arguments every replay command needs in front (e.g. `--config x.json`), so a replay runs the same subject. */
  replayArgs?: readonly string[];
  /** The command a replay starts with where the user is (default this repository's `npm start --`). */
  replayPrefix?: string;
  /** The comparison with a baseline file, when the run made one. */
  baseline?: BaselineOutcome;
}

/** A finding's stable id: its case and its key (or, for a finding without one, its title as a slug). */
export function findingId(caseId: string, finding: Pick<Finding, "key" | "title">): string {
  const key =
    finding.key ??
    finding.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
  return `${caseId}:${key}`;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** A shell word: left bare when it is plainly safe, single-quoted otherwise. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `npm start -- --target <t> --case <id>` (plus `--url` for the remote target; its token comes from DWC_REMOTE_TOKEN). */
export function replayCommand(
  target: string,
  caseId: string,
  url?: string,
  leading: readonly string[] = [],
  prefix = "npm start --",
): string {
  const words = [...leading, "--target", target, ...(url ? ["--url", url] : []), "--case", caseId];
  return `${prefix} ${words.map(shellWord).join(" ")}`;
}

/** A result that fails the run (suites/run-case.ts `isFailure`). */
export const isFailureStatus = isFailure;

export function buildResults(run: ReportRun, library: string): ResultsJson {
  const urls = new Map(run.targets.map((t) => [t.name, t.url]));
  const targets: ResultsTarget[] = run.targets.map((t) => {
    const capabilities = { ...t.capabilities };
    const url = urls.get(t.name);
    return url === undefined
      ? { name: t.name, profile: t.profile, capabilities }
      : { name: t.name, profile: t.profile, capabilities, url };
  });
  const cases: ResultsCase[] = run.cases.map((c) => ({
    id: c.id,
    title: c.title,
    spec: [...c.spec],
    suite: c.id.split("/")[0],
  }));

  const results: ResultsEntry[] = run.results.map((r) => {
    const entry: ResultsEntry = {
      caseId: r.caseId,
      target: r.target,
      status: r.status,
      durationMs: round(r.durationMs),
    };
    if (r.error !== undefined) entry.error = r.error;
    if (r.failure !== undefined) entry.failure = { ...r.failure };
    if (r.reason !== undefined) entry.reason = r.reason;
    if (r.findings && r.findings.length > 0) {
      entry.findings = r.findings.map((f) => {
        const shown: ResultsEntryFinding = {
          id: findingId(r.caseId, f),
          severity: f.severity,
          title: f.title,
          explanation: f.explanation,
        };
        if (f.about !== undefined) shown.about = f.about;
        if (f.fix !== undefined) shown.fix = f.fix;
        return shown;
      });
    }
    if (r.status !== "pass" && r.status !== "unsupported")
      entry.replay = replayCommand(r.target, r.caseId, urls.get(r.target), run.replayArgs, run.replayPrefix);
    return entry;
  });

  const summary = summarize([...targets.map((t) => t.name), ...results.map((r) => r.target)], results);
  const findings = collectFindings(results, run.baseline);
  const baselineFails = run.baseline !== undefined && run.baseline.new.length + run.baseline.gone.length > 0;

  const built: ResultsJson = {
    version: RESULTS_VERSION,
    startedAt: new Date(run.startedAt).toISOString(),
    durationMs: round(run.durationMs),
    verdict: results.some((r) => isFailureStatus(r.status)) || baselineFails ? "fail" : "pass",
    subject: { dispatcher: run.dispatcher, library },
    targets,
    cases,
    results,
    summary,
    findings,
  };
  if (run.baseline !== undefined) built.baseline = run.baseline;
  return built;
}

/** Per target (in the order given, each once): how many results had each status, and the total. */
export function summarize(
  targetNames: readonly string[],
  results: readonly ResultsEntry[],
): Record<string, StatusCounts> {
  const summary: Record<string, StatusCounts> = {};
  for (const name of new Set(targetNames)) {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
    counts.total = 0;
    for (const r of results) {
      if (r.target !== name) continue;
      counts[r.status]++;
      counts.total++;
    }
    summary[name] = counts;
  }
  return summary;
}

/**
 * Findings once per id (the most severe severity seen), most severe first, then in the order first seen; with a
 * baseline outcome, each says whether the baseline acknowledged it everywhere it was seen.
 */
export function collectFindings(
  results: readonly Pick<ResultsEntry, "caseId" | "target" | "findings">[],
  baseline?: BaselineOutcome,
): ResultsFinding[] {
  const byId = new Map<string, ResultsFinding>();
  for (const r of results) {
    for (const f of r.findings ?? []) {
      // Results read from an older results.json may lack ids: derive them the same way.
      const id = f.id ?? findingId(r.caseId, f);
      const entry: ResultsFinding = byId.get(id) ?? {
        id,
        severity: f.severity,
        title: f.title,
        explanation: f.explanation,
        ...(f.about !== undefined ? { about: f.about } : {}),
        ...(f.fix !== undefined ? { fix: f.fix } : {}),
        cases: [],
        targets: [],
      };
      if (SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(entry.severity)) entry.severity = f.severity;
      if (!entry.cases.includes(r.caseId)) entry.cases.push(r.caseId);
      if (!entry.targets.includes(r.target)) entry.targets.push(r.target);
      byId.set(id, entry);
    }
  }
  if (baseline) {
    for (const entry of byId.values()) {
      entry.baseline = baseline.new.some((n) => n.id === entry.id) ? "new" : "acknowledged";
    }
  }
  // Array.prototype.sort is stable: equal severities keep first-seen order.
  return [...byId.values()].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}
