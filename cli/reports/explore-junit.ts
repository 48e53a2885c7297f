/**
 * `explore-junit.xml`: one <testsuite> per workflow, one <testcase> per input, for CI systems that show JUnit.
 * A case with findings is a <failure> whose text lists each finding with its schedule and replay line (its
 * `message` is the first finding on one line); a case that could not be explored is an <error>; the at-least-once
 * table goes to <system-out> (information, not a failure). A vacuous run or a determinism difference is a failing
 * testcase of its own in the suite "explore", so a run that explored nothing is never green in CI either.
 */
import type { ExploreCaseResult, ExploreResult } from "../../simulation/explore/explore-result.ts";
import { atLeastOnceTable, describeFinding } from "./explore-console.ts";
import { escapeAttribute as attr, escapeText as text } from "./escape.ts";

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function testcase(c: ExploreCaseResult): string {
  const open = `    <testcase classname="${attr(`explore.${c.workflow}`)}" name="${attr(c.input)}" time="${seconds(c.durationMs)}"`;
  const body: string[] = [];
  const details = c.findings.map((f) => describeFinding(f, "")).join("\n\n");
  const first = c.findings[0];
  if (c.verdict === "error")
    body.push(
      `      <error message="${attr(first ? first.message : "could not be explored")}" type="error">${text(details)}</error>`,
    );
  else if (c.verdict === "failed")
    body.push(
      `      <failure message="${attr(first ? `${first.kind}: ${first.message}` : "failed")}" type="${attr(first?.kind ?? "failed")}">${text(details)}</failure>`,
    );
  else if (c.exercised.schedules === 0)
    body.push(
      `      <failure message="no schedule ran" type="vacuous">passed without running a single schedule</failure>`,
    );
  if (c.verdict !== "error") {
    const e = c.exercised;
    const out = [
      `tenant ${c.tenant}; ${e.schedules} schedules, ${e.faultsEffective}/${e.faultsInjected} faults took effect`,
      "at least once (step callbacks that ran again):",
      atLeastOnceTable(c.atLeastOnce, "  "),
    ].join("\n");
    body.push(`      <system-out>${text(out)}</system-out>`);
  }
  return `${open}>\n${body.join("\n")}\n    </testcase>`;
}

function suite(name: string, cases: string[], failures: number, errors: number, ms: number): string {
  return `  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(ms)}">\n${cases.join("\n")}\n  </testsuite>`;
}

export function renderExploreJunit(result: ExploreResult): string {
  const suites: string[] = [];
  const workflows = [...new Set(result.cases.map((c) => c.workflow))];
  for (const workflow of workflows) {
    const cases = result.cases.filter((c) => c.workflow === workflow);
    const failures = cases.filter(
      (c) => c.verdict === "failed" || (c.verdict === "passed" && c.exercised.schedules === 0),
    );
    suites.push(
      suite(
        `explore.${workflow}`,
        cases.map(testcase),
        failures.length,
        cases.filter((c) => c.verdict === "error").length,
        cases.reduce((n, c) => n + c.durationMs, 0),
      ),
    );
  }
  const runCases: string[] = [];
  let runFailures = 0;
  const vacuity = [...result.vacuity];
  if (result.cases.length === 0 && vacuity.length === 0) vacuity.push("no workflow × input was explored");
  if (vacuity.length > 0) {
    runFailures++;
    runCases.push(
      `    <testcase classname="explore" name="the run explored something" time="0.000">\n      <failure message="${attr(vacuity[0])}" type="vacuous">${text(vacuity.join("\n"))}</failure>\n    </testcase>`,
    );
  }
  if (result.determinism) {
    const d = result.determinism;
    const failed = d.differences.length > 0;
    if (failed) runFailures++;
    const detail = d.differences.map((x) => `${x.workflow} / ${x.input}: ${x.schedule}`).join("\n");
    runCases.push(
      `    <testcase classname="explore" name="determinism (${d.schedules} schedules run twice)" time="0.000">${failed ? `\n      <failure message="${attr(`${d.differences.length} schedules gave another trace hash`)}" type="determinism">${text(detail)}</failure>\n    ` : ""}</testcase>`,
    );
  }
  if (runCases.length > 0) suites.push(suite("explore", runCases, runFailures, 0, 0));
  const all = result.cases.length + runCases.length;
  const failures =
    result.cases.filter((c) => c.verdict === "failed" || (c.verdict === "passed" && c.exercised.schedules === 0))
      .length + runFailures;
  const errors = result.cases.filter((c) => c.verdict === "error").length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dwc explore (seed ${result.seed}, ${result.profile} profile)" tests="${all}" failures="${failures}" errors="${errors}" time="${seconds(result.durationMs)}">\n${suites.join("\n")}\n</testsuites>\n`;
}
