/** Rendering rows as a plain-text table (numbers with sensible precision). Pure. */
import type { Row } from "./result.ts";

/** A number for people: 3 significant digits, thousands separated, no exponent. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatSpread(row: Row): string {
  const s = row.summary;
  if (!s || s.n < 2) return "";
  return `${formatNumber(s.min)}–${formatNumber(s.max)}`;
}

const HEADERS = ["measurement", "metric", "target", "median", "spread (min–max)", "runs", "goal", "result"] as const;

export function renderTable(rows: readonly Row[]): string {
  const cells = rows.map((row) => [
    row.measurement,
    row.metric,
    row.target,
    row.summary ? `${formatNumber(row.summary.median)} ${row.unit}` : row.note ? "—" : "n/a",
    formatSpread(row),
    row.summary ? String(row.summary.n) : "0",
    row.goal?.label ?? "",
    row.verdict ?? "",
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, i) => (i === 3 || i === 5 ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const out = [line(HEADERS), line(widths.map((w) => "-".repeat(w)))];
  for (const c of cells) out.push(line(c));
  const notes = groupNotes(rows);
  if (notes.length > 0) {
    out.push("", "Notes:");
    for (const line of notes) out.push(`  ${line}`);
  }
  return out.join("\n");
}

/** One line per distinct note, naming the first row it applies to and how many more. */
export function groupNotes(rows: readonly Row[]): string[] {
  const byNote = new Map<string, Row[]>();
  for (const row of rows) if (row.note) byNote.set(row.note, [...(byNote.get(row.note) ?? []), row]);
  return [...byNote].map(([note, list]) => {
    const first = `${list[0].measurement} / ${list[0].metric} (${list[0].target})`;
    return `${first}${list.length > 1 ? ` and ${list.length - 1} more` : ""}: ${note}`;
  });
}
