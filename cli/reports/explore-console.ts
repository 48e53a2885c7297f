/**
 * `dwc explore`'s console summary: per workflow × input the verdict, the systematic coverage line, what was
 * exercised, each finding with its cause, schedule and one-line replay command, and the at-least-once table; then
 * the determinism check, the vacuity and the overall verdict. Plain text, one idea per line, so a CI log reads like
 * the HTML report.
 */
import type {
  AtLeastOnceRow,
  ExploreCaseResult,
  ExploreFinding,
  ExploreResult,
} from "../../simulation/explore/explore-result.ts";
import { caseName, exploreVerdict } from "./explore-results.ts";

/** "crash points × steps: 36/36 tried · evictions after steps: 6/6 tried · …"; the two crash kinds count together. */
export function coverageLine(coverage: ExploreCaseResult["coverage"]): string {
  const parts: string[] = [];
  const crashes = coverage.filter((c) => c.kind === "crash-before-commit" || c.kind === "crash-after-commit");
  const sum = (rows: typeof coverage) => ({
    tried: rows.reduce((n, c) => n + c.tried, 0),
    total: rows.reduce((n, c) => n + c.total, 0),
  });
  if (crashes.length > 0) parts.push(triedText("crash points × steps", sum(crashes)));
  const label: Record<string, string> = {
    "evict-after-step": "evictions after steps",
    "hibernate-at-wait": "hibernations at waits",
    "redeploy-at-wait": "redeploys at waits",
    combined: "random combinations",
  };
  for (const c of coverage) if (label[c.kind]) parts.push(triedText(label[c.kind], c));
  return parts.length > 0 ? parts.join(" · ") : "no systematic schedule";
}

const triedText = (label: string, c: { tried: number; total: number }) => `${label}: ${c.tried}/${c.total} tried`;

/** The random schedules' seed (their count is the coverage line's "random combinations" when the engine gives it). */
export const randomText = (c: ExploreCaseResult): string =>
  c.coverage.some((x) => x.kind === "combined")
    ? ` (seed ${c.random.seed})`
    : `; random: ${c.random.runs} schedules (seed ${c.random.seed})`;

const VERDICT_TEXT: Record<ExploreCaseResult["verdict"], string> = {
  passed: "passed",
  failed: "FAILED",
  error: "ERROR (could not be explored)",
};

/** A JSON value on one line, cut at `max` characters. */
export function oneLine(value: unknown, max = 160): string {
  const s = value === undefined ? "undefined" : JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function describeFinding(f: ExploreFinding, indent = "    "): string {
  const lines = [`${indent}✗ ${f.kind}: ${f.message}`];
  const field = (name: string, value: string) => lines.push(`${indent}    ${`${name}:`.padEnd(14)}${value}`);
  field("schedule", f.scheduleText || "no faults (the fault-free run)");
  if (f.likelyCause) field("likely cause", f.likelyCause);
  if (f.sequences) {
    field("recorded", f.sequences.recorded.join(" → ") || "(no step)");
    field("replayed", f.sequences.replayed.join(" → ") || "(no step)");
  }
  if (f.kind === "different-result") {
    field("fault-free", oneLine(f.expected));
    field("with faults", oneLine(f.actual));
  }
  field("replay", f.replayCommand);
  return lines.join("\n");
}

export function atLeastOnceTable(rows: readonly AtLeastOnceRow[], indent = "    "): string {
  if (rows.length === 0) return `${indent}no step callback ran twice under any fault`;
  const stepWidth = Math.max(4, ...rows.map((r) => r.step.length)) + 2;
  const header = `${indent}${"step".padEnd(stepWidth)}${"runs".padEnd(6)}under`;
  return [header, ...rows.map((r) => `${indent}${r.step.padEnd(stepWidth)}${String(r.runs).padEnd(6)}${r.fault}`)].join(
    "\n",
  );
}

export function describeCase(c: ExploreCaseResult): string {
  const e = c.exercised;
  const findings = c.findings.length === 0 ? "" : `, ${c.findings.length} finding${c.findings.length === 1 ? "" : "s"}`;
  const lines = [
    `${caseName(c)} (tenant ${c.tenant}): ${VERDICT_TEXT[c.verdict]}${findings}`,
    `  ${coverageLine(c.coverage)}${randomText(c)}`,
    `  exercised: ${e.schedules} schedules, ${e.instances} instances, ${e.lifetimes} lifetimes, ${e.stepAttempts} step attempts, ${e.faultsEffective}/${e.faultsInjected} faults took effect`,
  ];
  if (c.verdict !== "error")
    lines.push(
      `  fault-free run: ${c.faultFree.status}${c.faultFree.steps.length > 0 ? ` after ${c.faultFree.steps.join(" → ")}` : ""}`,
    );
  for (const f of c.findings) lines.push(describeFinding(f));
  if (c.verdict !== "error") {
    lines.push("  at least once (step callbacks that ran again: their side effects need an idempotency key):");
    lines.push(atLeastOnceTable(c.atLeastOnce));
  }
  return lines.join("\n");
}

/** The whole summary, ending with the verdict line. */
export function describeExplore(result: ExploreResult): string {
  const parts = result.cases.map(describeCase);
  const count = (v: ExploreCaseResult["verdict"]) => result.cases.filter((c) => c.verdict === v).length;
  const findings = result.cases.reduce((n, c) => n + c.findings.length, 0);
  const tail: string[] = [];
  if (result.determinism) {
    const d = result.determinism;
    tail.push(
      `determinism: ${d.schedules} schedules run twice, ${d.differences.length} difference${d.differences.length === 1 ? "" : "s"}`,
    );
    for (const x of d.differences) tail.push(`  ✗ ${x.workflow} / ${x.input}: ${x.schedule} gave another trace hash`);
  }
  if (result.vacuity.length > 0) {
    tail.push("the run tested nothing of some kind (a failure, not a pass):");
    for (const v of result.vacuity) tail.push(`  - ${v}`);
  }
  if (result.cases.length === 0 && result.vacuity.length === 0) tail.push("no workflow × input was explored");
  const shard = result.shard ? ` (shard ${result.shard.index}/${result.shard.count})` : "";
  tail.push(
    `explore${shard}: ${result.cases.length} workflow × input cases, ${count("passed")} passed, ${count("failed")} failed, ${count("error")} errors; ${findings} finding${findings === 1 ? "" : "s"}; seed ${result.seed}, ${result.profile} profile — ${exploreVerdict(result) === "pass" ? "PASS" : "FAIL"}`,
  );
  return [...parts, tail.join("\n")].join("\n\n");
}
