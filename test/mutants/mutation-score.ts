/**
 * The mutation score and the false-positive rate of `dwc run`: every dispatcher declared in
 * fixtures/mutants/declared.json goes through the CLI exactly as a user runs it, on the emulator targets (every case)
 * and on workerd (the declared cases, or every case with `full`). A mutant is caught when the run fails; a correct
 * dispatcher must have no failing result anywhere (findings are not failures, except where `noFindings` says so).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResultsJson } from "../../cli/reports/results.ts";
import { isFailure } from "../../suites/run-case.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

export const DECLARATION = "fixtures/mutants/declared.json";

interface Declared {
  file: string;
  /** The suites npm test runs on the emulators for it ([]: all). */
  suites: string[];
  /** The cases npm test runs on workerd for it. */
  workerd: string[];
}

export interface DeclaredMutant extends Declared {
  class: string;
}

export interface DeclaredCorrect extends Declared {
  unusual: string;
  noFindings?: boolean;
}

export interface Declaration {
  mutants: DeclaredMutant[];
  correct: DeclaredCorrect[];
}

/** One dispatcher's runs: what failed (case@target), what was found, and the vacuity verdicts. */
export interface Outcome {
  file: string;
  /** Case × target results that ran (not unsupported). */
  results: number;
  failures: string[];
  findings: string[];
  vacuous: string[];
  /** Usage or configuration errors (exit 2): the harness could not run the dispatcher at all. */
  errors: string[];
}

/** Reads and checks the declaration; a wrong entry is named with what to write instead. */
export async function readDeclaration(): Promise<Declaration> {
  const raw = JSON.parse(await readFile(join(ROOT, DECLARATION), "utf8")) as Partial<Declaration>;
  const problems: string[] = [];
  const check = (list: unknown, name: string, fields: string[]) => {
    if (!Array.isArray(list)) return problems.push(`"${name}" must be an array of entries`);
    list.forEach((entry: Record<string, unknown>, i) => {
      for (const field of fields)
        if (LISTS.includes(field) ? !Array.isArray(entry[field]) : typeof entry[field] !== "string")
          problems.push(
            `${name}[${i}].${field} is missing (${LISTS.includes(field) ? "a list, may be []" : "a string"})`,
          );
    });
  };
  check(raw.mutants, "mutants", ["file", "class", "suites", "workerd"]);
  check(raw.correct, "correct", ["file", "unusual", "suites", "workerd"]);
  if (problems.length > 0) throw new Error(`${DECLARATION}: ${problems.join("; ")}`);
  return raw as Declaration;
}

const LISTS = ["suites", "workerd"];
const EMULATORS = ["emulator-production", "emulator-local"];

/** `dwc run` for one dispatcher on one set of targets and cases; its results.json read back. */
async function dwcRun(
  file: string,
  targets: string[],
  only: { suites?: string[]; cases?: string[] },
  into: Outcome,
): Promise<void> {
  const reports = await mkdtemp(join(tmpdir(), "dwc-mutants-"));
  try {
    const args = ["run", "--dispatcher", file, "--reports", reports];
    for (const target of targets) args.push("--target", target);
    for (const suite of only.suites ?? []) args.push("--suite", suite);
    for (const id of only.cases ?? []) args.push("--case", id);
    const run = await runCli("cli/main.ts", args);
    // The preflight refusing the dispatcher (exit 2, a FAIL step) catches it before any case: a refusal, not an error.
    const preflightFail = run.code === 2 ? /^\s+FAIL\s+\S+.*$/m.exec(run.stdout) : null;
    if (preflightFail) {
      into.vacuous.push(`PREFLIGHT ${preflightFail[0].trim()}`);
      return;
    }
    if (run.code !== 0 && run.code !== 1) {
      into.errors.push(`dwc ${args.join(" ")} exited ${run.code}: ${(run.stderr || run.stdout).slice(0, 400)}`);
      return;
    }
    for (const line of run.stdout.split("\n")) if (line.startsWith("VACUOUS RUN")) into.vacuous.push(line);
    const results = JSON.parse(await readFile(join(reports, "results.json"), "utf8")) as ResultsJson;
    for (const r of results.results) {
      if (r.status !== "unsupported") into.results++;
      if (isFailure(r.status)) into.failures.push(`${r.caseId}@${r.target}`);
      for (const f of r.findings ?? []) into.findings.push(`${r.caseId}@${r.target}: ${f.title}`);
    }
    if (run.code === 1 && into.failures.length === 0 && into.vacuous.length === 0)
      into.errors.push(`dwc ${args.join(" ")} exited 1 with no failing result: ${run.stdout.slice(-400)}`);
  } finally {
    await rm(reports, { recursive: true, force: true });
  }
}

/**
 * The declared suites on the emulators and the declared cases on workerd; `full`: every suite on the emulators and,
 * for a correct dispatcher, every case on workerd too (a mutant keeps its declared workerd cases: one whose wrong
 * state hangs instances would spend each other case's whole budget there).
 */
export async function runDispatcher(entry: DeclaredMutant | DeclaredCorrect, full: boolean): Promise<Outcome> {
  const outcome: Outcome = { file: entry.file, results: 0, failures: [], findings: [], vacuous: [], errors: [] };
  await dwcRun(entry.file, EMULATORS, { suites: full ? [] : entry.suites }, outcome);
  if (full && "unusual" in entry) await dwcRun(entry.file, ["workerd"], {}, outcome);
  else if (entry.workerd.length > 0) await dwcRun(entry.file, ["workerd"], { cases: entry.workerd }, outcome);
  return outcome;
}

export function caught(outcome: Outcome): boolean {
  return outcome.failures.length > 0 || outcome.vacuous.length > 0;
}

/** Runs `work` over `items`, at most `limit` at a time, results in item order. */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const SHOWN_CASES = 3;
const short = (target: string) =>
  ({ "emulator-production": "P", "emulator-local": "L", workerd: "W" })[target] ?? target;

/** "case (targets)" per failing case, the first few: which cases caught it, where. */
function byCase(entries: readonly string[]): string {
  const targets = new Map<string, string[]>();
  for (const entry of entries) {
    const [caseId, target] = entry.split("@");
    targets.set(caseId, [...(targets.get(caseId) ?? []), target]);
  }
  const listed = [...targets].map(([caseId, where]) => `${caseId} (${where.map(short).join(", ")})`);
  return listed.length <= SHOWN_CASES
    ? listed.join("; ")
    : `${listed.slice(0, SHOWN_CASES).join("; ")}; and ${listed.length - SHOWN_CASES} more`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The printed report: each mutant with what caught it, the score per class, the correct dispatchers' results. */
export function renderScore(declaration: Declaration, mutants: Outcome[], correct: Outcome[]): string {
  const mutantRows = declaration.mutants.map((m, i) => {
    const o = mutants[i];
    const refused = o.vacuous.filter((line) => line.startsWith("PREFLIGHT")).length;
    const vacuous = o.vacuous.length - refused;
    const by = [
      refused > 0 ? `the preflight (${refused} runs refused at start)` : "",
      vacuous > 0 ? `VACUOUS RUN (${vacuous} targets)` : "",
      byCase(o.failures),
    ];
    return [m.class, m.file, caught(o) ? "caught" : "SURVIVED", by.filter(Boolean).join("; ")];
  });
  const classes = [...new Set(declaration.mutants.map((m) => m.class))].map((name) => {
    const inClass = declaration.mutants.map((m, i) => [m, mutants[i]] as const).filter(([m]) => m.class === name);
    return `${name} ${inClass.filter(([, o]) => caught(o)).length}/${inClass.length}`;
  });
  const total = mutants.filter(caught).length;
  const correctRows = declaration.correct.map((c, i) => {
    const o = correct[i];
    return [c.file, c.unusual, `${o.failures.length}/${o.results}`, String(o.findings.length), byCase(o.failures)];
  });
  const falseDispatchers = correct.filter((o) => o.failures.length > 0).length;
  const failing = correct.reduce((n, o) => n + o.failures.length, 0);
  const ran = correct.reduce((n, o) => n + o.results, 0);
  return [
    "Mutants through dwc run (P emulator-production, L emulator-local: the declared suites; W workerd: the declared cases):",
    table([["class", "mutant", "verdict", "caught by (case (targets))"], ...mutantRows]),
    `mutation score: ${total}/${mutants.length} (${classes.join(", ")})`,
    "",
    "Correct dispatchers (must not fail anywhere):",
    table([["dispatcher", "unusual", "failed/ran", "findings", "failing cases"], ...correctRows]),
    `false-positive rate: ${falseDispatchers}/${correct.length} dispatchers, ${failing}/${ran} case results`,
  ].join("\n");
}
