/**
 * `reports/index.html`: one self-contained page (inline CSS, no scripts, no network) rendered from results.json.
 * Order: verdict and totals per target; failures, each with its error and replay command; findings by severity;
 * the matrix (cases × targets; every cell says its status in words, colour only helps); known divergences with
 * their reasons; unsupported cases with the missing capability; the subject and when it was generated.
 * Every piece of text goes through `escapeText` / `escapeAttribute`.
 */
import { escapeAttribute as attr, escapeText as text } from "./escape.ts";
import { renderFailures } from "./html-failures.ts";
import { renderFindings } from "./html-findings.ts";
import { anchor, COUNT_LABEL, formatMs, MARK, pill, plural } from "./html-parts.ts";
import { isFailureStatus, STATUSES, type ResultsEntry, type ResultsJson } from "./results.ts";
import { REPORT_CSS } from "./report-css.ts";
import { fuzzSection } from "./fuzz-html.ts";

export interface HtmlOptions {
  /** Shown in the footer; default now. */
  generatedAt?: Date;
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
  const failedTargets = results.targets.filter(
    (t) => results.summary[t.name] && results.summary[t.name].fail + results.summary[t.name]["divergence-fixed"] > 0,
  );
  const high = results.findings.filter((f) => f.severity === "high").length;
  const findingsText = `${plural(results.findings.length, "finding")} about the subject${high > 0 ? `, ${high} of high severity` : ""}`;
  const verdictClass = results.verdict === "fail" ? "fail" : results.findings.length > 0 ? "warn" : "pass";
  const baseline = results.baseline;
  const baselineText =
    baseline && baseline.new.length + baseline.gone.length > 0
      ? `baseline ${baseline.file}: ${baseline.new.length} new, ${baseline.gone.length} gone`
      : "";
  const verdictText =
    results.verdict === "fail"
      ? [
          failures.length > 0
            ? `${plural(failures.length, "failure")} on ${failedTargets.map((t) => t.name).join(", ")}`
            : "",
          baselineText,
          results.findings.length > 0 ? findingsText : "",
        ]
          .filter(Boolean)
          .join("; ")
      : results.findings.length > 0
        ? `No failures, but ${findingsText} (in ${plural(withFindings, "case")})${baseline ? `, all acknowledged by the baseline ${baseline.file}` : ""}`
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
      (s) =>
        `<li class="${counts[s] === 0 ? "zero" : ""}"><span>${counts[s] === 0 ? text(COUNT_LABEL[s]) : `<span class="pill s-${s}">${MARK[s]} ${text(COUNT_LABEL[s])}</span>`}</span><span class="n">${counts[s]}</span></li>`,
    ).join("");
    return `  <div class="card${failed ? " has-fail" : ""}"><h3 class="mono">${text(t.name)}</h3><div class="muted small">${text(t.profile)} profile · ${plural(counts.total, "case")}${t.url ? ` · ${text(t.url)}` : ""}</div><ul>${rows}</ul></div>`;
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

  const failuresSection = renderFailures(results);
  const findingsSection = renderFindings(results);

  // ---- matrix ----
  const resultFor = new Map(results.results.map((r) => [`${r.target}\u0000${r.caseId}`, r]));
  const kdIndex = new Map(knownDivergences.map((r, i) => [r, i + 1]));
  const cell = (r: ResultsEntry | undefined): string => {
    if (!r) return `<td class="cell"><span class="muted">not run</span></td>`;
    let why = "";
    if (r.status === "unsupported") why = `<span class="why">${text(r.reason ?? "")}</span>`;
    else if (r.status === "known-divergence")
      why = `<span class="why"><a href="#${attr(anchor("kd", r.target, r.caseId))}">reason ${kdIndex.get(r)}</a></span>`;
    else if (isFailureStatus(r.status))
      why = `<span class="why"><a href="#${attr(anchor("fail", r.caseId))}">see failure</a></span>`;
    else if (r.status === "finding")
      why = `<span class="why"><a href="#findings">${plural(r.findings?.length ?? 0, "finding")}</a></span>`;
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
    .map(
      (r) =>
        `<tr><td class="mono">${text(r.target)}</td><td><span class="mono">${text(r.caseId)}</span><div class="small muted">${text(title(r.caseId))}</div></td><td>${text(r.reason ?? "")}</td></tr>`,
    )
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
  <dt>Targets</dt><dd>${results.targets.map((t) => `<span class="mono">${text(t.name)}</span> (${text(t.profile)} profile)`).join(", ")}</dd>
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
${fuzzSection(results.fuzz)}
${kdSection}
${unsupportedSection}
${footer}
</main>
</body>
</html>
`;
}
