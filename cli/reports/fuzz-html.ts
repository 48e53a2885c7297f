/**
 * The fuzz part of index.html, when `dwc report --from` merged a fuzz run into the report: per profile the scenarios,
 * the coverage counts, and the violation (with its replay) or the vacuity that failed it. Its own file so the
 * conformance report's layout (html.ts) takes one line for it.
 */
import { escapeText as text } from "./escape.ts";
import type { FuzzResultsJson } from "./fuzz-results.ts";

export function fuzzSection(fuzz: FuzzResultsJson | undefined): string {
  if (!fuzz) return "";
  const profiles = fuzz.profiles
    .map((p) => {
      const s = p.stats;
      const faults = Object.entries(s.faults)
        .map(([kind, c]) => `${kind} ${c.effective}/${c.injected}`)
        .join(", ");
      const problem = p.violation
        ? `<div class="item"><p><strong>Invariant violated</strong> (seed ${p.violation.seed}, path <span class="mono">${text(p.violation.path)}</span>)</p><pre class="short">${text([p.violation.scenario, ...p.violation.violations.map((v) => `- ${v}`)].join("\n"))}</pre><div class="replay"><span class="muted small">Replay:</span> <code>${text(p.violation.replay)}</code></div></div>`
        : p.vacuity.map((v) => `<div class="item"><pre class="short">${text(v)}</pre></div>`).join("");
      return `<tr><td class="mono">${text(p.profile)}</td><td>${p.scenarios}</td><td>${s.created} created, ${s.completed} completed, ${s.faulted} faulted</td><td class="small">${text(faults)}</td><td>${p.violation ? "violation" : p.vacuity.length > 0 ? "vacuous" : "pass"}</td></tr>${problem ? `<tr><td colspan="5">${problem}</td></tr>` : ""}`;
    })
    .join("\n");
  return `
<section id="fuzz">
<h2>Fuzzing (${fuzz.verdict})</h2>
<p class="muted small">Seed ${fuzz.seed}, ${fuzz.runs} scenarios per profile in batches of ${fuzz.batch}; faults shown as effective/injected.</p>
<div class="table-wrap"><table><thead><tr><th scope="col">profile</th><th scope="col">scenarios</th><th scope="col">instances</th><th scope="col">faults</th><th scope="col">verdict</th></tr></thead><tbody>
${profiles}
</tbody></table></div>
</section>`;
}
