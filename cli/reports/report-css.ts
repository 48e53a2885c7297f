/** The reports' one stylesheet (index.html and compare.html): self-contained, no external assets. */
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
.s-known-divergence, .s-explained { background: var(--kd-bg); color: var(--kd-fg); }
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
