/**
 * The findings section of `index.html`: by severity, each with its stable id, whose behaviour it is (the library's
 * or the dispatcher's), the fix, where it was seen and a replay; with a baseline, whether the baseline acknowledges
 * it, and the acknowledged findings that are gone (the ratchet).
 */
import { escapeText as text } from "./escape.ts";
import { replay, SEVERITY_LABEL } from "./html-parts.ts";
import { SEVERITIES, type ResultsFinding, type ResultsJson } from "./results.ts";

function findingHtml(f: ResultsFinding, results: ResultsJson): string {
  const replays = results.results
    .filter((r) => r.findings?.some((x) => x.id === f.id) && r.replay)
    .map((r) => r.replay!);
  const badge =
    f.baseline === "new"
      ? ` <span class="pill s-fail">NEW: not in the baseline</span>`
      : f.baseline === "acknowledged"
        ? ` <span class="pill s-known-divergence">in the baseline</span>`
        : "";
  return `
  <div class="finding">
    <div class="title">${text(f.title)}${badge}</div>
    <div class="where">id <span class="mono">${text(f.id)}</span>${f.about ? ` · about the <strong>${text(f.about)}</strong>` : ""}</div>
    <p>${text(f.explanation)}</p>
    ${f.fix ? `<p class="fix"><strong>Fix:</strong> ${text(f.fix)}</p>` : ""}
    <div class="where">Seen in ${f.cases.map((c) => `<span class="mono">${text(c)}</span>`).join(", ")} on ${f.targets.map((t) => `<span class="mono">${text(t)}</span>`).join(", ")}</div>
    ${replays.length > 0 ? replay(replays[0]) : ""}
  </div>`;
}

function baselineHtml(results: ResultsJson): string {
  const b = results.baseline;
  if (!b) return "";
  const gone = b.gone
    .map((g) => `<li><span class="mono">${text(g.id)}</span> on <span class="mono">${text(g.target)}</span></li>`)
    .join("");
  return `
<div class="item${b.new.length + b.gone.length > 0 ? " failure" : ""}">
  <div class="head">Baseline <span class="mono">${text(b.file)}</span>: ${b.acknowledged} acknowledged, ${b.new.length} new, ${b.gone.length} gone</div>
  ${b.new.length > 0 ? `<p class="small">A new finding fails the run: fix it, or acknowledge it by rewriting the baseline (<span class="mono">--write-baseline</span>).</p>` : ""}
  ${b.gone.length > 0 ? `<p class="small">Acknowledged but no longer found (fails the run until removed from the baseline):</p><ul>${gone}</ul>` : ""}
</div>`;
}

export function renderFindings(results: ResultsJson): string {
  const groups = SEVERITIES.map((severity) => {
    const mine = results.findings.filter((f) => f.severity === severity);
    if (mine.length === 0) return "";
    return `
<div class="sev sev-${severity}">
  <h3>${text(SEVERITY_LABEL[severity])} severity (${mine.length})</h3>${mine.map((f) => findingHtml(f, results)).join("")}
</div>`;
  }).join("");
  return `
<section id="findings">
<h2>Findings about the subject (${results.findings.length})</h2>
<p class="muted small">What the library or the dispatcher gets wrong that a user should know. A finding does not fail the run${results.baseline ? " unless a baseline is given and it is not in it" : ""}: the case completed.</p>
${baselineHtml(results)}
${results.findings.length === 0 ? `<p class="empty">No findings.</p>` : groups}
</section>`;
}
