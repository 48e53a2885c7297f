/**
 * What a failed case throws, kept as structure rather than one string: node:assert's AssertionError carries the
 * operator, the expected and the actual value, and its stack says which assertion of which case threw. A report
 * that prints only the message's first line ("Expected values to be strictly equal:") leaves the reader with
 * nothing to fix; with this, every report can show which assertion (its source line), what it expected and what
 * it got.
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";

export interface FailureDetail {
  /** The error's class when it says something (`AssertionError`, `MissingDispatcherMetadataError`, `TypeError`). */
  kind: string;
  /** The assertion's operator (`strictEqual`, `deepStrictEqual`, `notStrictEqual`, `==` for assert.ok, …). */
  operator?: string;
  /** Both values as node prints them (bounded: a huge body is cut, not dropped). */
  expected?: string;
  actual?: string;
  /** The case's own words when the assertion gave a message (not node's generated one). */
  message?: string;
  /** Where it was thrown: the first stack frame in a suite file, relative to the working folder (`suites/x.ts:12`). */
  at?: string;
  /** That line of source, trimmed: it names the field the assertion compared. */
  source?: string;
  /** When `at` is a shared helper: the nearest caller in another file (the case's own line). */
  calledFrom?: string;
}

const VALUE_LIMIT = 2_000;

function shown(value: unknown): string {
  const text = inspect(value, { depth: 6, breakLength: 100, maxArrayLength: 30, maxStringLength: 500 });
  return text.length > VALUE_LIMIT ? `${text.slice(0, VALUE_LIMIT - 1)}…` : text;
}

/** The structure of `thrown`, or undefined when it is not an Error (a thrown string says all it has). */
export function failureDetail(thrown: unknown): FailureDetail | undefined {
  if (!(thrown instanceof Error)) return undefined;
  const detail: FailureDetail = { kind: thrown.name };
  const assertion = thrown as Error & {
    code?: string;
    operator?: string;
    expected?: unknown;
    actual?: unknown;
    generatedMessage?: boolean;
  };
  if (assertion.code === "ERR_ASSERTION") {
    if (assertion.operator !== undefined) detail.operator = assertion.operator;
    // assert.fail() and assert.ok(x, message) carry no comparison worth showing.
    if (assertion.operator !== "fail") {
      detail.expected = shown(assertion.expected);
      detail.actual = shown(assertion.actual);
    }
    // Node appends its diff to a custom message ("msg\n+ actual - expected …"): the first line is the case's words.
    if (!assertion.generatedMessage) detail.message = thrown.message.split("\n", 1)[0];
  }
  // A case's line says most; an assertion made elsewhere (a test's own) is still located by its call site.
  const inSuites = frames(thrown.stack, true);
  const sites = inSuites.length > 0 ? inSuites : assertion.code === "ERR_ASSERTION" ? frames(thrown.stack, false) : [];
  const [site] = sites;
  if (site) {
    detail.at = `${site.file}:${site.line}`;
    const source = sourceLine(site.absolute, site.line);
    if (source) detail.source = source;
    // A shared helper (suites/probe.ts) threw: the case that called it says which check this was.
    const caller = sites.find((f) => f.file !== site.file);
    if (caller) detail.calledFrom = `${caller.file}:${caller.line}`;
  }
  return detail;
}

interface Frame {
  file: string;
  absolute: string;
  line: number;
}

/**
 * The stack frames in files on disk (not node internals, not node_modules, not the runner), innermost first; with
 * `inSuites` only those inside a `suites/` folder (compiled `dist/suites/` too).
 */
function frames(stack: string | undefined, inSuites: boolean): Frame[] {
  const found: Frame[] = [];
  for (const line of (stack ?? "").split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):\d+\)?\s*$/.exec(line);
    if (!match || match[1].startsWith("node:")) continue;
    const absolute = match[1].startsWith("file://") ? fileURLToPath(match[1]) : match[1];
    if (absolute.includes(`${sep}node_modules${sep}`) || /[\\/]run-case\.[jt]s$/.test(absolute)) continue;
    if (inSuites && !absolute.includes(`${sep}suites${sep}`)) continue;
    found.push({ file: relative(process.cwd(), absolute) || absolute, absolute, line: Number(match[2]) });
  }
  return found;
}

function sourceLine(file: string, line: number): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8").split("\n")[line - 1]?.trim();
  return text ? text.slice(0, 300) : undefined;
}

/**
 * One line for a message attribute or a progress line: the case's words, else what was compared (the source line)
 * and the two values. The full error stays in `error`.
 */
export function oneLineFailure(error: string, detail: FailureDetail | undefined): string {
  const first = headline(error, detail);
  if (!detail || detail.expected === undefined) return first;
  const what = detail.message ?? detail.source ?? first;
  return `${what} — expected ${flat(expectedText(detail))}, actual ${flat(detail.actual ?? "")}`;
}

/** The expected side in words: a `notStrictEqual` expects anything but the value. */
export function expectedText(detail: FailureDetail): string {
  return detail.operator?.startsWith("not") ? `anything but ${detail.expected}` : (detail.expected ?? "");
}

const flat = (value: string) => {
  const line = value.replace(/\s*\n\s*/g, " ");
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
};

/**
 * The failure in a few lines, for every report: what failed (the case's words, or node's headline), where (the
 * assertion's source line, which names the field), and expected/actual. Without a detail, the error as thrown.
 */
export function describeFailure(error: string, detail: FailureDetail | undefined): string[] {
  const errorLines = error.split("\n");
  if (!detail) return errorLines.slice(0, 8);
  const lines = [headline(error, detail)];
  if (detail.expected === undefined && detail.message === undefined) lines.push(...errorLines.slice(1, 8));
  if (detail.at) {
    const from = detail.calledFrom ? ` (called from ${detail.calledFrom})` : "";
    lines.push(`at ${detail.at}${from}${detail.source ? `: ${detail.source}` : ""}`);
  }
  if (detail.expected !== undefined) {
    lines.push(indented("expected: ", expectedText(detail)));
    lines.push(indented("actual:   ", detail.actual ?? ""));
  }
  return lines.filter((line) => line.trim() !== "");
}

/** The case's words; else the error's class when it names the cause (MissingDispatcherMetadataError) and its first line. */
function headline(error: string, detail: FailureDetail | undefined): string {
  const first = error.split("\n", 1)[0].replace(/:$/, "");
  if (!detail) return first;
  const named = detail.kind !== "Error" && detail.kind !== "AssertionError" && !error.includes(detail.kind);
  return detail.message ?? `${named ? `${detail.kind}: ` : ""}${first}`;
}

function indented(label: string, value: string): string {
  return `${label}${value.split("\n").join(`\n${" ".repeat(label.length)}`)}`;
}
