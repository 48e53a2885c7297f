/**
 * Pieces every section of `index.html` uses: status labels and marks, pills, anchors, replay lines. Text goes
 * through `escapeText` / `escapeAttribute`.
 */
import type { Severity } from "../../contract/case.ts";
import type { CaseStatus } from "../../suites/run-case.ts";
import { escapeText as text } from "./escape.ts";

export const LABEL: Record<CaseStatus, string> = {
  pass: "pass",
  finding: "finding",
  fail: "FAIL",
  unsupported: "unsupported",
  "known-divergence": "known divergence",
  "divergence-fixed": "divergence now passes",
};

export const COUNT_LABEL: Record<CaseStatus, string> = {
  pass: "passed",
  finding: "with findings",
  fail: "failed",
  unsupported: "unsupported",
  "known-divergence": "known divergences",
  "divergence-fixed": "divergences now passing",
};

export const MARK: Record<CaseStatus, string> = {
  pass: "✓",
  finding: "!",
  fail: "✗",
  unsupported: "–",
  "known-divergence": "≈",
  "divergence-fixed": "✗",
};

export const SEVERITY_LABEL: Record<Severity, string> = { high: "High", medium: "Medium", low: "Low" };

export function pill(status: CaseStatus): string {
  return `<span class="pill s-${status}">${MARK[status]} ${text(LABEL[status])}</span>`;
}

export function anchor(prefix: string, ...parts: string[]): string {
  return `${prefix}-${parts
    .join("--")
    .replace(/[^a-z0-9-]+/gi, "-")
    .toLowerCase()}`;
}

export function replay(command: string | undefined): string {
  return command
    ? `<div class="replay"><span class="muted small">Replay:</span> <code>${text(command)}</code></div>`
    : "";
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatMs(ms: number): string {
  return ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
