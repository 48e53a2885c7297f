/**
 * `reports/junit.xml`: one <testsuite> per target, one <testcase> per case, for CI systems that show JUnit
 * results (GitHub/GitLab/Jenkins/Buildkite). Written by hand with `escape.ts`: the format needs four elements, and a
 * builder library (xmlbuilder2 brings four dependencies, js-yaml among them) would add more than it saves.
 *
 * Mapping: fail → <failure>; divergence-fixed → <failure> (the ratchet: the list must be updated); unsupported →
 * <skipped message="unsupported: needs …"/>; known-divergence → passes with a <system-out> note; finding → passes
 * with a <system-out> listing the findings (id, whose, fix; with a baseline, a finding the baseline does not
 * acknowledge is a <failure>). A failure's text is the full assertion (suites/failure-detail.ts): what, the
 * assertion's source line, expected and actual; its `message` attribute is that on one line.
 */
import { describeFailure, oneLineFailure } from "../../suites/failure-detail.ts";
import { escapeAttribute as attr, escapeText as text } from "./escape.ts";
import type { ResultsEntry, ResultsJson } from "./results.ts";

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function findingLines(entry: ResultsEntry): string[] {
  return (entry.findings ?? []).map(
    (f) =>
      `[${f.severity}] ${f.title}\n    id: ${f.id}${f.about ? `; about the ${f.about}` : ""}\n    ${f.explanation}${f.fix ? `\n    fix: ${f.fix}` : ""}`,
  );
}

function testcase(entry: ResultsEntry, title: string, suite: string, results: ResultsJson): string {
  const open = `    <testcase classname="${attr(suite)}" name="${attr(`${entry.caseId}: ${title}`)}" time="${seconds(entry.durationMs)}"`;
  const body: string[] = [];
  const out: string[] = [];
  switch (entry.status) {
    case "fail":
    case "divergence-fixed": {
      const message = entry.error ?? entry.reason ?? entry.status;
      const detail = [
        describeFailure(message, entry.failure).join("\n"),
        entry.status === "divergence-fixed" && entry.reason ? `known divergence listed: ${entry.reason}` : "",
        `replay: ${entry.replay}`,
      ]
        .filter(Boolean)
        .join("\n");
      body.push(
        `      <failure message="${attr(firstLine(oneLineFailure(message, entry.failure)))}" type="${attr(entry.status)}">${text(detail)}</failure>`,
      );
      break;
    }
    case "unsupported":
      body.push(
        `      <skipped message="${attr(`unsupported: ${entry.reason ?? "a capability this target lacks"}`)}"/>`,
      );
      break;
    case "known-divergence":
      out.push(
        `known divergence on this target (expected to fail; listed in suites/divergences.ts): ${entry.reason ?? ""}`,
      );
      if (entry.error) out.push(`error: ${describeFailure(entry.error, entry.failure).join("\n")}`);
      out.push(`replay: ${entry.replay}`);
      break;
    case "finding":
      out.push("findings about the subject (the case passed):");
      break;
    case "pass":
      break;
  }
  // With a baseline, a finding it does not acknowledge fails CI like any failure (the run's exit status is 1).
  const fresh = (results.baseline?.new ?? []).filter((n) => n.target === entry.target && n.caseId === entry.caseId);
  if (fresh.length > 0 && body.length === 0) {
    const message = `new finding, not in the baseline ${results.baseline!.file}: ${fresh.map((n) => n.id).join(", ")}`;
    body.push(
      `      <failure message="${attr(firstLine(message))}" type="new-finding">${text(`${message}\nfix it, or acknowledge it by rewriting the baseline (--write-baseline)`)}</failure>`,
    );
  }
  const findings = findingLines(entry);
  if (findings.length > 0) {
    if (entry.status !== "finding") out.push("findings about the subject:");
    out.push(...findings);
    if (entry.status === "finding") out.push(`replay: ${entry.replay}`);
  }
  if (out.length > 0) body.push(`      <system-out>${text(out.join("\n"))}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join("\n")}\n    </testcase>`;
}

/** The first line of a message, shortened: a `message` attribute is shown on one line by most CI systems. */
function firstLine(message: string): string {
  const line = message.split("\n", 1)[0];
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

export function renderJunit(results: ResultsJson): string {
  const cases = new Map(results.cases.map((c) => [c.id, c]));
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const target of results.targets) {
    const mine = results.results.filter((r) => r.target === target.name);
    const counts = results.summary[target.name];
    const newFindings = mine.filter(
      (r) =>
        r.status !== "fail" &&
        r.status !== "divergence-fixed" &&
        results.baseline?.new.some((n) => n.target === r.target && n.caseId === r.caseId),
    ).length;
    const suiteFailures = counts.fail + counts["divergence-fixed"] + newFindings;
    const suiteTime = mine.reduce((sum, r) => sum + r.durationMs, 0);
    tests += mine.length;
    failures += suiteFailures;
    skipped += counts.unsupported;
    const properties = [
      ["profile", target.profile],
      ["dispatcher", results.subject.dispatcher],
      ["library", results.subject.library],
      ...(target.url ? [["url", target.url]] : []),
    ].map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`);
    suites.push(
      [
        `  <testsuite name="${attr(target.name)}" tests="${mine.length}" failures="${suiteFailures}" errors="0" skipped="${counts.unsupported}" time="${seconds(suiteTime)}" timestamp="${attr(results.startedAt)}">`,
        `    <properties>\n${properties.join("\n")}\n    </properties>`,
        ...mine.map((entry) => {
          const c = cases.get(entry.caseId);
          return testcase(entry, c?.title ?? entry.caseId, c?.suite ?? entry.caseId.split("/")[0], results);
        }),
        "  </testsuite>",
      ].join("\n"),
    );
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="dynamic-workflows conformance" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(results.durationMs)}" timestamp="${attr(results.startedAt)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
