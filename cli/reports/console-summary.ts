/**
 * What `dwc run` prints after the progress lines, rendered from the same results object as the three reports: the
 * matrix, the counts per target, the findings (whose behaviour, the fix, whether a baseline acknowledged it), and
 * the failures grouped by case with the full assertion and a replay command.
 */
import type { CaseStatus } from "../../suites/run-case.ts";
import { groupFailures } from "./failure-groups.ts";
import type { ResultsJson } from "./results.ts";

export const STATUS_WORD: Record<CaseStatus, string> = {
  pass: "pass",
  finding: "finding",
  fail: "FAIL",
  unsupported: "unsupported",
  "known-divergence": "known divergence",
  "divergence-fixed": "FIXED? (ratchet)",
};

export function consoleSummary(results: ResultsJson): string[] {
  return [...matrix(results), ...findings(results), ...failures(results)];
}

function matrix(results: ResultsJson): string[] {
  const targets = results.targets.map((t) => t.name);
  const ids = results.cases.map((c) => c.id);
  const width = Math.max(...ids.map((id) => id.length));
  const column = Math.max(...targets.map((t) => t.length), 16);
  const status = new Map(results.results.map((r) => [`${r.caseId}\u0000${r.target}`, r.status]));
  const lines = ["", `${"case".padEnd(width)}  ${targets.map((t) => t.padEnd(column)).join("  ")}`];
  for (const id of ids) {
    const row = targets.map((t) => {
      const s = status.get(`${id}\u0000${t}`);
      return (s ? STATUS_WORD[s] : "not run").padEnd(column);
    });
    lines.push(`${id.padEnd(width)}  ${row.join("  ")}`.trimEnd());
  }
  lines.push("");
  for (const target of targets) {
    const c = results.summary[target];
    lines.push(
      `${target}: ${c.pass} passed, ${c.finding} with findings, ${c.fail} failed, ${c.unsupported} unsupported, ${c["known-divergence"]} known divergences, ${c["divergence-fixed"]} divergences now passing`,
    );
  }
  return lines;
}

/** Findings about the subject, once per id, most severe first (the reports' own rule: reports/results.ts). */
function findings(results: ResultsJson): string[] {
  if (results.findings.length === 0) return [];
  const lines = ["", `Findings about the subject (${results.findings.length}; not harness failures):`];
  for (const f of results.findings) {
    const flag = f.baseline === "acknowledged" ? " (in the baseline)" : f.baseline === "new" ? " NEW" : "";
    lines.push(`  [${f.severity}]${flag} ${f.title} (${f.cases.join(", ")}; ${f.targets.join(", ")})`);
    lines.push(`      id: ${f.id}${f.about ? `; about the ${f.about}` : ""}`);
    lines.push(`      ${f.explanation}`);
    if (f.fix) lines.push(`      fix: ${f.fix}`);
  }
  return lines;
}

/** Every failed case once, with the targets it fails on, its failure in full and one replay command. */
function failures(results: ResultsJson): string[] {
  const groups = groupFailures(results);
  if (groups.length === 0) return [];
  const failed = results.results.filter((r) => r.status === "fail" || r.status === "divergence-fixed").length;
  const lines = [
    "",
    `Failed (${groups.length} ${groups.length === 1 ? "case" : "cases"}, ${failed} ${failed === 1 ? "result" : "results"}):`,
  ];
  for (const group of groups) {
    lines.push(`  ${group.caseId} — fails on ${group.targets.join(", ")}`);
    for (const variant of group.variants) {
      const on = group.variants.length > 1 ? `on ${variant.targets.join(", ")}: ` : "";
      const [first, ...rest] = variant.lines;
      lines.push(`      ${on}${first}`);
      for (const line of rest) lines.push(...line.split("\n").map((l) => `        ${l}`));
      for (const replay of variant.replays) lines.push(`      replay: ${replay}`);
    }
  }
  return lines;
}
