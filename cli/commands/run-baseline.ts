/**
 * `dwc run --baseline [file]` / `--write-baseline [file]` (and the config's "baseline"): which file, read before
 * any case runs (a missing or broken file is a usage error, exit 2, naming the fix), and after the run either the
 * comparison (new or gone findings fail the run) or the file written. The rules themselves: cli/baseline.ts.
 */
import { resolve } from "node:path";
import {
  BaselineError,
  baselineFrom,
  compareBaseline,
  DEFAULT_BASELINE_FILE,
  describeOutcome,
  readBaseline,
  writeBaseline,
  type BaselineFile,
} from "../baseline.ts";
import type { BaselineOutcome, ResultsEntry } from "../reports/results.ts";
import { UsageError } from "./command.ts";
import { shownPath } from "./shown-path.ts";

export const baselineOptions = {
  baseline: { type: "string" },
  "write-baseline": { type: "string" },
} as const;

const OPTIONAL_VALUE = ["--baseline", "--write-baseline"];

/**
 * node:util parseArgs has no option with an optional value: a bare `--baseline` (last, or followed by another
 * option) gets an empty value here, which means "the default file".
 */
export function withOptionalValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((word, i) => {
    out.push(word);
    const next = argv[i + 1];
    if (OPTIONAL_VALUE.includes(word) && (next === undefined || next.startsWith("-"))) out.push("");
  });
  return out;
}

export interface BaselineAfterRun {
  /** The comparison, when the run compared with a baseline. */
  compared?: BaselineOutcome;
  /** What to print after the summary. */
  lines: string[];
  /** The comparison found a new or a gone finding. */
  fails: boolean;
}

export function baselineStep(
  values: { baseline?: string; "write-baseline"?: string },
  configBaseline: string | undefined,
  prefix: string,
): { afterRun(results: readonly ResultsEntry[]): Promise<BaselineAfterRun> } {
  const chosen = (flag: string | undefined) =>
    flag ? resolve(flag) : (configBaseline ?? resolve(DEFAULT_BASELINE_FILE));
  const load = (path: string, mustExist: boolean): BaselineFile | undefined => {
    try {
      return readBaseline(path, shownPath(path), prefix);
    } catch (error) {
      if (!mustExist && error instanceof BaselineError && /no such baseline file/.test(error.message)) return undefined;
      throw error instanceof BaselineError ? new UsageError(error.message, false) : error;
    }
  };

  const write = values["write-baseline"];
  if (write !== undefined) {
    const path = chosen(write || values.baseline);
    const previous = load(path, false);
    return {
      async afterRun(results) {
        const file = baselineFrom(results, previous);
        await writeBaseline(path, file);
        const pairs = file.findings.reduce((n, f) => n + f.targets.length, 0);
        return {
          lines: [
            `Baseline written: ${shownPath(path)} (${file.findings.length} ${file.findings.length === 1 ? "finding" : "findings"}, ${pairs} finding × target ${pairs === 1 ? "pair" : "pairs"}). ` +
              `From now on, ${prefix} --baseline ${shownPath(path)} passes until a new finding appears or one of these disappears.`,
          ],
          fails: false,
        };
      },
    };
  }
  if (values.baseline === undefined && configBaseline === undefined) {
    return { afterRun: async () => ({ lines: [], fails: false }) };
  }
  const path = chosen(values.baseline);
  const baseline = load(path, true)!;
  return {
    async afterRun(results) {
      const compared = compareBaseline(baseline, results, shownPath(path));
      return {
        compared,
        lines: describeOutcome(compared, `${prefix} --write-baseline ${shownPath(path)}`),
        fails: compared.new.length + compared.gone.length > 0,
      };
    },
  };
}
