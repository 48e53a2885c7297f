/**
 * `explore.html`: `dwc explore`'s report for people, rendered from explore-results.json. The verdict first (with
 * the vacuity and determinism differences that fail a run), a table of contents with one row per workflow × input,
 * then one section per workflow × input: verdict, systematic coverage and random schedules tried, what was
 * exercised, replay-unsafe findings with the recorded and replayed step sequences side by side (the first
 * differing row marked), result differences as a field-by-field diff, other findings, and the at-least-once table.
 * Self-contained like index.html (same stylesheet, no scripts); every piece of text goes through the escapers.
 */
import type { ExploreCaseResult, ExploreFinding, ExploreResult } from "../../simulation/explore/explore-result.ts";
import { escapeAttribute as attr, escapeText as text } from "./escape.ts";
import { coverageLine, oneLine, randomText } from "./explore-console.ts";
import { caseName, exploreProblems, exploreVerdict } from "./explore-results.ts";
import { anchor, formatMs, plural, replay } from "./html-parts.ts";
import { jsonDiff, renderJsonDifference } from "./json-diff.ts";
import { REPORT_CSS } from "./report-css.ts";

const EXTRA_CSS = `
table.sequences td.differs { background: var(--fail-bg); color: var(--fail-fg); font-weight: 600; }
ul.diffs { margin: 6px 0; padding-left: 20px; font-size: 13px; }
.s-error { background: var(--fail-bg); color: var(--fail-fg); }
`;

const PILL: Record<ExploreCaseResult["verdict"], string> = {
  passed: `<span class="pill s-pass">✓ passed</span>`,
  failed: `<span class="pill s-fail">✗ FAILED</span>`,
  error: `<span class="pill s-error">✗ error</span>`,
};

/** The recorded and replayed sequences side by side, one row per position; the first differing row is marked. */
export function sequencesTable(recorded: readonly string[], replayed: readonly string[]): string {
  const rows: string[] = [];
  let marked = false;
  for (let i = 0; i < Math.max(recorded.length, replayed.length); i++) {
    const differs: boolean = !marked && recorded[i] !== replayed[i];
    marked ||= differs;
    const cell = (s: string | undefined) =>
      `<td class="mono${differs ? " differs" : ""}">${s === undefined ? `<span class="muted">(none)</span>` : text(s)}</td>`;
    rows.push(`<tr><td class="muted">${i + 1}</td>${cell(recorded[i])}${cell(replayed[i])}</tr>`);
  }
  return `<div class="table-wrap"><table class="sequences"><thead><tr><th scope="col">#</th><th scope="col">recorded (first lifetime)</th><th scope="col">replayed (later lifetime)</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function findingItem(f: ExploreFinding): string {
  const parts = [
    `<div class="head"><span class="pill s-fail">✗ ${text(f.kind)}</span> <span>${text(f.message)}</span></div>`,
    `<p class="small"><span class="muted">Schedule:</span> ${text(f.scheduleText)}</p>`,
  ];
  if (f.likelyCause) parts.push(`<p class="small"><span class="muted">Likely cause:</span> ${text(f.likelyCause)}</p>`);
  if (f.sequences) parts.push(sequencesTable(f.sequences.recorded, f.sequences.replayed));
  if (f.kind === "different-result") {
    const diffs = jsonDiff(f.expected, f.actual);
    parts.push(
      diffs.length > 0
        ? `<ul class="diffs">${diffs.map((d) => `<li class="mono">${text(renderJsonDifference(d))}</li>`).join("")}</ul>`
        : `<p class="small muted">The values print the same (${text(oneLine(f.expected))}); they differ in type or identity.</p>`,
    );
  }
  parts.push(replay(f.replayCommand));
  return `<div class="item failure">${parts.join("\n")}</div>`;
}

function caseSection(c: ExploreCaseResult): string {
  const e = c.exercised;
  const byKind = (kinds: ExploreFinding["kind"][]) => c.findings.filter((f) => kinds.includes(f.kind));
  const group = (title: string, findings: ExploreFinding[]) =>
    findings.length === 0
      ? ""
      : `<h3>${text(title)} (${findings.length})</h3>\n${findings.map(findingItem).join("\n")}`;
  const atLeastOnce =
    c.atLeastOnce.length === 0
      ? `<p class="empty">No step callback ran twice under any fault.</p>`
      : `<div class="table-wrap"><table><thead><tr><th scope="col">step</th><th scope="col">runs</th><th scope="col">under the fault</th></tr></thead><tbody>${c.atLeastOnce
          .map((r) => `<tr><td class="mono">${text(r.step)}</td><td>${r.runs}</td><td>${text(r.fault)}</td></tr>`)
          .join("")}</tbody></table></div>`;
  const faultFree =
    c.verdict === "error"
      ? ""
      : `<p class="small"><span class="muted">Fault-free run:</span> ${text(c.faultFree.status)}${c.faultFree.steps.length > 0 ? ` after <span class="mono">${text(c.faultFree.steps.join(" → "))}</span>` : ""}${c.faultFree.output !== undefined ? `, output <span class="mono">${text(oneLine(c.faultFree.output))}</span>` : ""}</p>`;
  return `
<section id="${attr(anchor("case", c.workflow, c.input))}">
<h2>${text(caseName(c))} ${PILL[c.verdict]}</h2>
<p class="muted small">Tenant <span class="mono">${text(c.tenant)}</span> · ${text(formatMs(c.durationMs))}</p>
<p><strong>Schedules tried:</strong> ${text(`${coverageLine(c.coverage)}${randomText(c)}`)}</p>
<p class="small">Exercised: ${plural(e.schedules, "schedule")}, ${plural(e.instances, "instance")}, ${plural(e.lifetimes, "lifetime")}, ${plural(e.stepAttempts, "step attempt")}; ${e.faultsEffective}/${e.faultsInjected} faults took effect</p>
${faultFree}
${group("Replay-unsafe", byKind(["replay-unsafe"]))}
${group("Result differences", byKind(["different-result"]))}
${group("Other findings", byKind(["wrong-code", "durability", "error"]))}
<h3>At least once</h3>
<p class="muted small">Step callbacks that ran more than once under a fault: their side effects need an idempotency key. Information, not a failure.</p>
${atLeastOnce}
</section>`;
}

export function renderExploreHtml(result: ExploreResult, options: { generatedAt?: Date } = {}): string {
  const generatedAt = (options.generatedAt ?? new Date()).toISOString();
  const verdict = exploreVerdict(result);
  const problems = exploreProblems(result);
  const findings = result.cases.reduce((n, c) => n + c.findings.length, 0);
  const shard = result.shard ? ` · shard ${result.shard.index}/${result.shard.count}` : "";
  const toc = result.cases
    .map(
      (c) =>
        `<tr><td><a href="#${attr(anchor("case", c.workflow, c.input))}" class="mono">${text(caseName(c))}</a></td><td>${PILL[c.verdict]}</td><td>${c.exercised.schedules}</td><td>${c.findings.length}</td><td>${c.atLeastOnce.length}</td></tr>`,
    )
    .join("\n");
  const determinism = result.determinism
    ? `<section id="determinism"><h2>Determinism</h2><p>${plural(result.determinism.schedules, "schedule")} run twice; ${plural(result.determinism.differences.length, "difference")}.</p>${result.determinism.differences.map((d) => `<div class="item failure"><span class="mono">${text(`${d.workflow} / ${d.input}`)}</span>: ${text(d.schedule)} gave another trace hash</div>`).join("")}</section>`
    : "";
  const vacuity =
    result.vacuity.length > 0
      ? `<section id="vacuity"><h2>Vacuous</h2><p>The run tested nothing of some kind, so it fails:</p>${result.vacuity.map((v) => `<div class="item failure"><pre class="short">${text(v)}</pre></div>`).join("")}</section>`
      : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(`${verdict === "fail" ? "FAIL" : "PASS"} · dwc explore · seed ${result.seed}`)}</title>
<style>${REPORT_CSS}${EXTRA_CSS}</style>
</head>
<body>
<main>
<header class="top">
  <div>
    <h1>Exploration report</h1>
    <div class="subject">The tenants' own workflows under fault schedules · ${text(result.profile)} profile · seed ${result.seed}${text(shard)}</div>
    <div class="muted small">${plural(result.cases.length, "workflow × input case")}, ${plural(findings, "finding")}, took ${text(formatMs(result.durationMs))}.</div>
  </div>
  <div class="verdict ${verdict}" role="status">
    <strong>${verdict === "fail" ? "✗ FAIL" : "✓ PASS"}</strong>
    <span>${text(problems.length > 0 ? problems.join("; ") : "Every workflow × input passed every oracle under every schedule tried")}</span>
  </div>
</header>
${vacuity}
${determinism}
<section id="cases">
<h2>Workflows × inputs (${result.cases.length})</h2>
${result.cases.length === 0 ? `<p class="empty">None explored.</p>` : `<div class="table-wrap"><table><thead><tr><th scope="col">workflow / input</th><th scope="col">verdict</th><th scope="col">schedules</th><th scope="col">findings</th><th scope="col">ran twice</th></tr></thead><tbody>\n${toc}\n</tbody></table></div>`}
</section>
${result.cases.map(caseSection).join("\n")}
<footer>
<dl>
  <dt>Command</dt><dd class="mono">${text(result.command)}</dd>
  <dt>Generated</dt><dd>${text(generatedAt)}</dd>
  <dt>Also written</dt><dd><span class="mono">explore-results.json</span> (machine-readable, version ${result.version}) and <span class="mono">explore-junit.xml</span>, next to this file</dd>
</dl>
</footer>
</main>
</body>
</html>
`;
}
