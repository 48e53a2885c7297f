/**
 * `reports/compare.html`: the emulator-vs-workerd comparison for people, rendered from compare.json. Unexplained
 * differences first (each with its scenario, the differing fields, the shrunk scenario and replay commands), then
 * the explained differences grouped by rule with the rule's reason, then the counts. Self-contained like index.html
 * (same stylesheet, no scripts); every piece of text goes through the escapers.
 */
import { renderDifferenceAgainst } from "../../differential/diff.ts";
import { renderScenario } from "../../suites/properties/scenario.ts";
import type { CompareReport, CompareScenarioResult } from "./compare-report.ts";
import { escapeAttribute as attr, escapeText as text } from "./escape.ts";
import { REPORT_CSS } from "./report-css.ts";

const EXTRA_CSS = `
.s-agreement { background: var(--pass-bg); color: var(--pass-fg); }
.s-unexplained { background: var(--fail-bg); color: var(--fail-fg); }
.s-not-run { background: var(--unsup-bg); color: var(--unsup-fg); }
ul.diffs { margin: 6px 0; padding-left: 20px; font-size: 13px; }
`;

function replayLine(command: string | undefined, label = "Replay"): string {
  return command
    ? `<div class="replay"><span class="muted small">${text(label)}:</span> <code>${text(command)}</code></div>`
    : "";
}

function unexplainedItem(report: CompareReport, s: CompareScenarioResult): string {
  const shrunk = report.shrunk.find((x) => x.index === s.index);
  const differences = s.differences.filter((d) => !d.rule);
  const shrunkBlock = !shrunk
    ? `<p class="small muted">Not shrunk (--no-shrink, or the time limit was reached).</p>`
    : shrunk.flaky
      ? `<p class="small muted">Shrinking: the difference did not show again when re-run (real time on ${text(realSide(report))}), so it was not shrunk.</p>`
      : `<h3>Smallest scenario found (${text(shrunk.runs)} runs, path ${text(shrunk.path ?? "")})</h3>
<pre class="short">${text(renderScenario(shrunk.scenario))}</pre>
<ul class="diffs">${shrunk.differences.map((d) => `<li class="mono">${text(d)}</li>`).join("")}</ul>
${replayLine(shrunk.replay, "Replay the shrunk scenario")}`;
  return `
<div class="item failure" id="${attr(`scenario-${s.index}`)}">
  <div class="head"><span class="pill s-unexplained">✗ unexplained</span> <span class="mono">scenario ${text(s.index + 1)}</span> <span class="muted">path ${text(s.path)}</span></div>
  <pre class="short">${text(renderScenario(s.scenario))}</pre>
  <ul class="diffs">${differences.map((d) => `<li class="mono">${text(renderDifferenceAgainst(d, realSide(report)))}</li>`).join("")}</ul>
  ${replayLine(s.replay)}
  ${shrunkBlock}
</div>`;
}

/** The side compared with the emulator: `workerd`, or `remote` (a deployment, `dwc compare --target remote`). */
function realSide(report: CompareReport): string {
  return report.targets[1] ?? "workerd";
}

export function renderCompareHtml(report: CompareReport, options: { generatedAt?: Date } = {}): string {
  const real = realSide(report);
  const generatedAt = (options.generatedAt ?? new Date()).toISOString();
  const { summary } = report;
  const unexplained = report.scenarios.filter((s) => s.verdict === "unexplained");
  const verdict = summary.unexplained > 0 ? "fail" : "pass";
  const cards = [
    ["agreements", summary.agreements, "agreement"],
    ["explained differences", summary.explained, "explained"],
    ["unexplained", summary.unexplained, "unexplained"],
    ["not run (time limit)", summary.notRun, "not-run"],
  ] as const;

  const rules = report.rules
    .map((rule) => {
      const scenarios = report.scenarios.filter((s) => s.verdict === "explained" && s.rules.includes(rule.id));
      return `
<div class="item kd" id="${attr(`rule-${rule.id}`)}">
  <div class="head"><span class="pill s-explained">≈ ${text(scenarios.length)}</span> <span class="mono">${text(rule.id)}</span></div>
  <p>${text(rule.reason)}</p>
  ${
    scenarios.length === 0
      ? `<p class="small muted">No scenario of this run needed it.</p>`
      : `<p class="small">Scenarios: ${scenarios.map((s) => `<span class="mono">${text(s.path)}</span>`).join(", ")}</p>${replayLine(scenarios[0].replay, `Replay scenario ${scenarios[0].path}`)}`
  }
</div>`;
    })
    .join("");

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(`${verdict === "fail" ? "UNEXPLAINED" : "EXPLAINED"} · emulator vs ${real} · seed ${report.seed}`)}</title>
<style>${REPORT_CSS}${EXTRA_CSS}</style>
</head>
<body>
<main>
<header class="top">
  <div>
    <h1>Emulator vs ${text(real)}</h1>
    <p class="subject muted">${text(summary.scenarios)} seeded scenarios (seed ${text(report.seed)}) run on ${report.targets.map((t) => `<span class="mono">${text(t)}</span>`).join(" and ")}; observable histories (status, outputs, step markers, errors) compared after scrubbing ids and times.</p>
  </div>
  <div class="verdict ${verdict}"><strong>${verdict === "fail" ? "UNEXPLAINED" : "ALL EXPLAINED"}</strong>${text(summary.unexplained)} unexplained of ${text(summary.scenarios)}</div>
</header>
<div class="cards">
${cards.map(([label, n, kind]) => `<div class="card"><h3><span class="pill s-${kind}">${text(n)}</span> ${text(label)}</h3></div>`).join("\n")}
</div>
<section id="unexplained">
<h2>Unexplained differences (${unexplained.length})</h2>
<p class="muted small">The emulator and ${text(real)} did something observably different and no rule in <span class="mono">differential/explanations.ts</span> explains it: an emulator bug, or a divergence to understand and list.</p>
${unexplained.length === 0 ? `<p class="empty">None.</p>` : unexplained.map((s) => unexplainedItem(report, s)).join("")}
</section>
<section id="explained">
<h2>Explained differences by rule (${report.rules.length} rules)</h2>
<p class="muted small">Each difference in these scenarios is explained by the rule's reason (docs/profiles.md, the spec's §E).</p>
${rules}
</section>
<footer>
<dl>
  <dt>Dispatcher</dt><dd class="mono">${text(report.dispatcher)}</dd>
  <dt>Seed</dt><dd class="mono">${text(report.seed)}</dd>
  <dt>Time scale</dt><dd>${text(report.timeScale)} ms of real time on ${text(real)} per scenario second</dd>${report.endpoint ? `\n  <dt>Deployment</dt><dd class="mono">${text(report.endpoint)}</dd>` : ""}
  <dt>Run started</dt><dd>${text(report.startedAt)} (${text(Math.round(report.durationMs / 1000))} s)</dd>
  <dt>Generated</dt><dd>${text(generatedAt)}</dd>
  <dt>Also written</dt><dd><span class="mono">compare.json</span> (every scenario with both histories), next to this file</dd>
</dl>
</footer>
</main>
</body>
</html>
`;
}
