/**
 * `reports/index.html`: one self-contained page (inline CSS, no scripts, no network) rendered from results.json.
 * Order: verdict and totals per target; failures, each with its error and replay command; findings by severity;
 * the matrix (cases × targets; every cell says its status in words, colour only helps); known divergences with
 * their reasons; unsupported cases with the missing capability; the subject and when it was generated.
 * Every piece of text goes through `escapeText` / `escapeAttribute`.
 */
import type { CaseStatus } from "../../suites/run-case.ts";
import type { Severity } from "../../contract/case.ts";
import { escapeAttribute as attr, escapeText as text } from "./escape.ts";
import { isFailureStatus, SEVERITIES, STATUSES, type ResultsEntry, type ResultsJson } from "./results.ts";

export interface HtmlOptions {
  /** Shown in the footer; default now. */
  generatedAt?: Date;
}

const LABEL: Record<CaseStatus, string> = {
  pass: "pass",
  finding: "finding",
  fail: "FAIL",
  unsupported: "unsupported",
  "known-divergence": "known divergence",
  "divergence-fixed": "divergence now passes",
};

const COUNT_LABEL: Record<CaseStatus, string> = {
  pass: "passed",
  finding: "with findings",
  fail: "failed",
  unsupported: "unsupported",
  "known-divergence": "known divergences",
  "divergence-fixed": "divergences now passing",
};

const MARK: Record<CaseStatus, string> = {
  pass: "✓",
  finding: "!",
  fail: "✗",
  unsupported: "–",
  "known-divergence": "≈",
  "divergence-fixed": "✗",
};

const SEVERITY_LABEL: Record<Severity, string> = { high: "High", medium: "Medium", low: "Low" };

export const REPORT_CSS = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --bg: #ffffff;
  --pass-fg: #116329; --pass-bg: #dafbe1;
  --fail-fg: #a40e26; --fail-bg: #ffebe9; --fail-line: #ff8182;
  --finding-fg: #7d4e00; --finding-bg: #fff8c5; --finding-line: #d4a72c;
  --unsup-fg: #59636e; --unsup-bg: #eff2f5;
  --kd-fg: #5e3fb5; --kd-bg: #f1ecfe;
  --high: #a40e26; --medium: #9a4b00; --low: #4d5761;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif;
}
main { max-width: 1240px; margin: 0 auto; padding: 28px 32px 48px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 13px; }
h1 { font-size: 24px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 19px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 8px; }
p { margin: 6px 0; }
a { color: #0550ae; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
header.top { display: grid; grid-template-columns: minmax(0, 1fr) minmax(260px, 400px); gap: 24px; align-items: start; }
@media (max-width: 760px) { header.top { grid-template-columns: 1fr; } }
.subject { margin-top: 4px; }
.verdict { border-radius: 8px; padding: 12px 18px; border: 1px solid; }
.verdict strong { display: block; font-size: 22px; letter-spacing: 0.04em; }
.verdict.pass { background: var(--pass-bg); color: var(--pass-fg); border-color: #4ac26b; }
.verdict.warn { background: var(--finding-bg); color: var(--finding-fg); border-color: var(--finding-line); }
.verdict.fail { background: var(--fail-bg); color: var(--fail-fg); border-color: var(--fail-line); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; margin-top: 22px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--bg); }
.card.has-fail { border-color: var(--fail-line); box-shadow: inset 4px 0 0 var(--fail-line); }
.card h3 { margin: 0 0 2px; font-size: 16px; }
.card ul { list-style: none; padding: 0; margin: 8px 0 0; }
.card li { display: flex; justify-content: space-between; padding: 1px 0; font-size: 14px; }
.card li .n { font-variant-numeric: tabular-nums; font-weight: 600; }
.card li.zero { color: var(--muted); }
.card li.zero .n { font-weight: 400; }
.pill { display: inline-block; border-radius: 999px; padding: 0 8px; font-size: 12px; font-weight: 600; line-height: 20px; white-space: nowrap; }
.s-pass { background: var(--pass-bg); color: var(--pass-fg); }
.s-fail, .s-divergence-fixed { background: var(--fail-bg); color: var(--fail-fg); }
.s-finding { background: var(--finding-bg); color: var(--finding-fg); }
.s-unsupported { background: var(--unsup-bg); color: var(--unsup-fg); }
.s-known-divergence { background: var(--kd-bg); color: var(--kd-fg); }
.item { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; break-inside: avoid; }
.item.failure { border-color: var(--fail-line); box-shadow: inset 4px 0 0 var(--fail-line); }
.item .head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.item .head .mono { font-weight: 600; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 8px 0; white-space: pre-wrap; word-break: break-word; max-height: 340px; overflow: auto; }
.replay { display: flex; gap: 8px; align-items: baseline; margin-top: 6px; }
.replay code { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 2px 8px; user-select: all; }
.sev { border-left: 4px solid; padding-left: 14px; margin: 14px 0; }
.sev-high { border-color: var(--high); }
.sev-medium { border-color: var(--medium); }
.sev-low { border-color: var(--low); }
.sev > h3 { margin-top: 0; }
.sev-high > h3 { color: var(--high); }
.sev-medium > h3 { color: var(--medium); }
.sev-low > h3 { color: var(--low); }
.finding { margin: 0 0 14px; break-inside: avoid; }
.finding .title { font-weight: 600; }
.where { font-size: 13px; color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.legend { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 8px 0 12px; font-size: 13px; color: var(--muted); }
.table-wrap { border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: separate; border-spacing: 0; width: 100%; }
th, td { font-size: 14px; text-align: left; vertical-align: top; padding: 7px 12px; border-bottom: 1px solid var(--line); }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 22px 0 0; padding: 8px 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); font-size: 14px; }
nav.toc a { text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
nav.toc .n { color: var(--muted); font-variant-numeric: tabular-nums; }
thead th { white-space: nowrap; position: sticky; top: 0; z-index: 1; background: var(--soft); font-size: 13px; border-bottom: 1px solid #afb8c1; }
thead th:first-child { border-top-left-radius: 8px; }
thead th:last-child { border-top-right-radius: 8px; }
tbody tr:last-child td { border-bottom: 0; }
tbody tr:hover td { background: #fafbfc; }
tr.suite td { background: var(--soft); font-weight: 600; font-size: 13px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); padding-top: 5px; padding-bottom: 5px; }
td.case .mono { font-weight: 600; }
td.case .title { font-size: 13px; color: var(--muted); }
td.case .spec { font-size: 11.5px; color: var(--muted); }
td.cell { width: 1%; white-space: nowrap; }
td.cell .pill { font-size: 12.5px; }
td.cell .why { display: block; font-size: 12px; color: var(--muted); margin-top: 3px; white-space: normal; max-width: 220px; }
.kd .head .mono { font-weight: 600; }
pre.short { max-height: 140px; }
footer { margin-top: 44px; padding-top: 14px; border-top: 1px solid var(--line); font-size: 13px; color: var(--muted); }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
footer dt { font-weight: 600; }
footer dd { margin: 0; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  thead th { position: static; }
  nav.toc { display: none; }
  thead { display: table-header-group; }
  tr, .item, .finding { break-inside: avoid; }
  pre { max-height: none; overflow: visible; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

function pill(status: CaseStatus): string {
  return `<span class="pill s-${status}">${MARK[status]} ${text(LABEL[status])}</span>`;
}

function anchor(prefix: string, ...parts: string[]): string {
  return `${prefix}-${parts.join("--").replace(/[^a-z0-9-]+/gi, "-").toLowerCase()}`;
}

function replay(command: string | undefined): string {
  return command ? `<div class="replay"><span class="muted small">Replay:</span> <code>${text(command)}</code></div>` : "";
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function renderHtml(results: ResultsJson, options: HtmlOptions = {}): string {
  const generatedAt = (options.generatedAt ?? new Date()).toISOString();
  const caseById = new Map(results.cases.map((c) => [c.id, c]));
  const title = (id: string) => caseById.get(id)?.title ?? "";
  const failures = results.results.filter((r) => isFailureStatus(r.status));
  const knownDivergences = results.results.filter((r) => r.status === "known-divergence");
  const unsupported = results.results.filter((r) => r.status === "unsupported");
  const withFindings = results.results.filter((r) => r.status === "finding").length;

  // ---- header: verdict and totals ----
  const failedTargets = results.targets.filter((t) => results.summary[t.name] && results.summary[t.name].fail + results.summary[t.name]["divergence-fixed"] > 0);
  const high = results.findings.filter((f) => f.severity === "high").length;
  const findingsText = `${plural(results.findings.length, "finding")} about the subject${high > 0 ? `, ${high} of high severity` : ""}`;
  const verdictClass = results.verdict === "fail" ? "fail" : results.findings.length > 0 ? "warn" : "pass";
  const verdictText =
    results.verdict === "fail"
      ? `${plural(failures.length, "failure")} on ${failedTargets.map((t) => t.name).join(", ")}${results.findings.length > 0 ? `; ${findingsText}` : ""}`
      : results.findings.length > 0
        ? `No failures, but ${findingsText} (in ${plural(withFindings, "case")})`
        : "No failures and no findings; every case passed, or is unsupported or a known divergence";
  const header = `
<header class="top">
  <div>
    <h1>Conformance report</h1>
    <div class="subject">Subject: <span class="mono">${text(results.subject.library)}</span> with the dispatcher <span class="mono">${text(results.subject.dispatcher)}</span></div>
    <div class="muted small">Run started ${text(results.startedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}, took ${text(formatMs(results.durationMs))}; ${plural(results.cases.length, "case")} on ${plural(results.targets.length, "target")}.</div>
  </div>
  <div class="verdict ${verdictClass}" role="status">
    <strong>${results.verdict === "fail" ? "✗ FAIL" : verdictClass === "warn" ? "✓ PASS, with findings" : "✓ PASS"}</strong>
    <span>${text(verdictText)}</span>
  </div>
</header>
<section class="cards" aria-label="Totals per target">
${results.targets
  .map((t) => {
    const counts = results.summary[t.name];
    const failed = counts.fail + counts["divergence-fixed"] > 0;
    const rows = STATUSES.map(
      (s) => `<li class="${counts[s] === 0 ? "zero" : ""}"><span>${counts[s] === 0 ? text(COUNT_LABEL[s]) : `<span class="pill s-${s}">${MARK[s]} ${text(COUNT_LABEL[s])}</span>`}</span><span class="n">${counts[s]}</span></li>`,
    ).join("");
    return `  <div class="card${failed ? " has-fail" : ""}"><h3 class="mono">${text(t.name)}</h3><div class="muted small">${text(t.behaviour)} behaviour · ${plural(counts.total, "case")}${t.url ? ` · ${text(t.url)}` : ""}</div><ul>${rows}</ul></div>`;
  })
  .join("\n")}
</section>
<nav class="toc" aria-label="Sections">
  <a href="#failures">Failures <span class="n">${failures.length}</span></a>
  <a href="#findings">Findings <span class="n">${results.findings.length}</span></a>
  <a href="#matrix">Matrix <span class="n">${results.cases.length} × ${results.targets.length}</span></a>
  <a href="#known-divergences">Known divergences <span class="n">${knownDivergences.length}</span></a>
  <a href="#unsupported">Unsupported <span class="n">${unsupported.length}</span></a>
</nav>`;

  // ---- failures ----
  const failureItems = failures
    .map(
      (r) => `
<div class="item failure" id="${attr(anchor("fail", r.target, r.caseId))}">
  <div class="head">${pill(r.status)} <span class="mono">${text(r.caseId)}</span> <span class="muted">on</span> <span class="mono">${text(r.target)}</span></div>
  <p>${text(title(r.caseId))}</p>
  ${r.status === "divergence-fixed" ? `<p class="small">Listed in <span class="mono">suites/divergences.ts</span> as a known divergence for this target, but it now passes: remove it from the list. The listed reason was: ${text(r.reason ?? "")}</p>` : ""}
  <pre>${text(r.error ?? r.reason ?? "(no error message)")}</pre>
  ${replay(r.replay)}
</div>`,
    )
    .join("");
  const failuresSection = `
<section id="failures">
<h2>Failures (${failures.length})</h2>
${failures.length === 0 ? `<p class="empty">No failures.</p>` : failureItems}
</section>`;

  // ---- findings ----
  const findingGroups = SEVERITIES.map((severity) => {
    const mine = results.findings.filter((f) => f.severity === severity);
    if (mine.length === 0) return "";
    const items = mine
      .map((f) => {
        const replays = results.results
          .filter((r) => r.findings?.some((x) => x.title === f.title) && r.replay)
          .map((r) => r.replay!);
        return `
  <div class="finding">
    <div class="title">${text(f.title)}</div>
    <p>${text(f.explanation)}</p>
    <div class="where">Seen in ${f.cases.map((c) => `<span class="mono">${text(c)}</span>`).join(", ")} on ${f.targets.map((t) => `<span class="mono">${text(t)}</span>`).join(", ")}</div>
    ${replays.length > 0 ? replay(replays[0]) : ""}
  </div>`;
      })
      .join("");
    return `
<div class="sev sev-${severity}">
  <h3>${text(SEVERITY_LABEL[severity])} severity (${mine.length})</h3>${items}
</div>`;
  }).join("");
  const findingsSection = `
<section id="findings">
<h2>Findings about the subject (${results.findings.length})</h2>
<p class="muted small">What the library or the dispatcher gets wrong that a user should know. A finding does not fail the run: the case completed.</p>
${results.findings.length === 0 ? `<p class="empty">No findings.</p>` : findingGroups}
</section>`;

  // ---- matrix ----
  const resultFor = new Map(results.results.map((r) => [`${r.target}\u0000${r.caseId}`, r]));
  const kdIndex = new Map(knownDivergences.map((r, i) => [r, i + 1]));
  const cell = (r: ResultsEntry | undefined): string => {
    if (!r) return `<td class="cell"><span class="muted">not run</span></td>`;
    let why = "";
    if (r.status === "unsupported") why = `<span class="why">${text(r.reason ?? "")}</span>`;
    else if (r.status === "known-divergence") why = `<span class="why"><a href="#${attr(anchor("kd", r.target, r.caseId))}">reason ${kdIndex.get(r)}</a></span>`;
    else if (isFailureStatus(r.status)) why = `<span class="why"><a href="#${attr(anchor("fail", r.target, r.caseId))}">see failure</a></span>`;
    else if (r.status === "finding") why = `<span class="why"><a href="#findings">${plural(r.findings?.length ?? 0, "finding")}</a></span>`;
    return `<td class="cell">${pill(r.status)}${why}</td>`;
  };
  const rows: string[] = [];
  let suite = "";
  for (const c of results.cases) {
    if (c.suite !== suite) {
      suite = c.suite;
      rows.push(`<tr class="suite"><td colspan="${results.targets.length + 1}">${text(suite)}</td></tr>`);
    }
    rows.push(
      `<tr id="${attr(anchor("case", c.id))}"><td class="case"><div class="mono">${text(c.id)}</div><div class="title">${text(c.title)}</div>${c.spec.length > 0 ? `<div class="spec">spec: ${text(c.spec.join(", "))}</div>` : ""}</td>${results.targets.map((t) => cell(resultFor.get(`${t.name}\u0000${c.id}`))).join("")}</tr>`,
    );
  }
  const matrixSection = `
<section id="matrix">
<h2>Results matrix</h2>
<div class="legend">${STATUSES.map((s) => pill(s)).join(" ")}</div>
<div class="table-wrap">
<table>
<thead><tr><th scope="col">case</th>${results.targets.map((t) => `<th scope="col" class="mono">${text(t.name)}</th>`).join("")}</tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>
</div>
</section>`;

  // ---- known divergences and unsupported ----
  const kdSection = `
<section id="known-divergences">
<h2>Known divergences (${knownDivergences.length})</h2>
<p class="muted small">Listed in <span class="mono">suites/divergences.ts</span>: expected to fail on that target, for the reason given. Not a failure; if one starts passing, the run fails until the list is updated.</p>
${
  knownDivergences.length === 0
    ? `<p class="empty">None.</p>`
    : knownDivergences
        .map(
          (r) => `
<div class="item kd" id="${attr(anchor("kd", r.target, r.caseId))}">
  <div class="head"><span class="pill s-known-divergence">${kdIndex.get(r)}</span> <span class="mono">${text(r.caseId)}</span> <span class="muted">on</span> <span class="mono">${text(r.target)}</span></div>
  <p>${text(r.reason ?? "")}</p>
  ${r.error ? `<div class="small muted">How it fails here:</div><pre class="short">${text(r.error)}</pre>` : ""}
</div>`,
        )
        .join("")
}
</section>`;

  const unsupportedRows = unsupported
    .map((r) => `<tr><td class="mono">${text(r.target)}</td><td><span class="mono">${text(r.caseId)}</span><div class="small muted">${text(title(r.caseId))}</div></td><td>${text(r.reason ?? "")}</td></tr>`)
    .join("\n");
  const unsupportedSection = `
<section id="unsupported">
<h2>Unsupported (${unsupported.length})</h2>
<p class="muted small">The target lacks a capability the case needs, so the case did not run there. Not a pass, not a failure.</p>
${
  unsupported.length === 0
    ? `<p class="empty">None.</p>`
    : `<div class="table-wrap"><table><thead><tr><th scope="col">target</th><th scope="col">case</th><th scope="col">missing capability</th></tr></thead><tbody>
${unsupportedRows}
</tbody></table></div>`
}
</section>`;

  const footer = `
<footer>
<dl>
  <dt>Library</dt><dd class="mono">${text(results.subject.library)}</dd>
  <dt>Dispatcher</dt><dd class="mono">${text(results.subject.dispatcher)}</dd>
  <dt>Targets</dt><dd>${results.targets.map((t) => `<span class="mono">${text(t.name)}</span> (${text(t.behaviour)})`).join(", ")}</dd>
  <dt>Run started</dt><dd>${text(results.startedAt)}</dd>
  <dt>Generated</dt><dd>${text(generatedAt)}</dd>
  <dt>Also written</dt><dd><span class="mono">results.json</span> (machine-readable, format version ${results.version}) and <span class="mono">junit.xml</span>, next to this file</dd>
</dl>
</footer>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(`${results.verdict === "fail" ? "FAIL" : "PASS"} · conformance report · ${results.subject.library}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${header}
${failuresSection}
${findingsSection}
${matrixSection}
${kdSection}
${unsupportedSection}
${footer}
</main>
</body>
</html>
`;
}
