/**
 * The failures section of `index.html`: one entry per failed case with the targets it fails on (a bug that fails
 * a case everywhere is one entry, not one per target), each distinct failure in full — the case's words, the
 * assertion's source line, expected and actual — and one replay command for its targets.
 */
import { escapeAttribute as attr, escapeText as text } from "./escape.ts";
import { groupFailures, type FailureVariant } from "./failure-groups.ts";
import { anchor, pill, replay } from "./html-parts.ts";
import type { ResultsJson } from "./results.ts";

function variantHtml(variant: FailureVariant, several: boolean): string {
  const ratchet =
    variant.status === "divergence-fixed"
      ? `<p class="small">Listed in <span class="mono">suites/divergences.ts</span> as a known divergence for this target, but it now passes: remove it from the list. The listed reason was: ${text(variant.reason ?? "")}</p>`
      : "";
  const on = several
    ? `<div class="small">${pill(variant.status)} on ${variant.targets.map((t) => `<span class="mono">${text(t)}</span>`).join(", ")}</div>`
    : "";
  return `${on}
  ${ratchet}
  <pre class="assertion">${text(variant.lines.join("\n"))}</pre>
  ${variant.replays.map((r) => replay(r)).join("\n  ")}`;
}

export function renderFailures(results: ResultsJson): string {
  const groups = groupFailures(results);
  const items = groups
    .map((group) => {
      const several = group.variants.length > 1;
      const status = group.variants[0].status;
      return `
<div class="item failure" id="${attr(anchor("fail", group.caseId))}">
  <div class="head">${several ? "" : pill(status)} <span class="mono">${text(group.caseId)}</span> <span class="muted">fails on</span> ${group.targets.map((t) => `<span class="mono">${text(t)}</span>`).join(", ")}</div>
  <p>${text(group.title)}</p>
  ${group.variants.map((v) => variantHtml(v, several)).join("\n")}
</div>`;
    })
    .join("");
  const failed = results.results.filter((r) => r.status === "fail" || r.status === "divergence-fixed").length;
  return `
<section id="failures">
<h2>Failures (${groups.length} ${groups.length === 1 ? "case" : "cases"}${failed !== groups.length ? `, ${failed} results` : ""})</h2>
${groups.length === 0 ? `<p class="empty">No failures.</p>` : items}
</section>`;
}
