/**
 * `reports/compare.json`, written by `dwc compare`: every scenario with its verdict and both observable histories,
 * the rules that explained explained differences, and the shrunk unexplained ones — each with the one command that
 * replays exactly that scenario. `compare.html` is rendered from this same object.
 */
import type { Comparison } from "../../differential/compare.ts";
import type { Scenario } from "../../suites/properties/scenario.ts";
import { commandPrefix, INVOCATION, type Invocation } from "../invocation.ts";

export const COMPARE_REPORT_VERSION = 1;

export interface CompareScenarioResult {
  /** 0-based index in the seeded sample; `path` is String(index). */
  index: number;
  path: string;
  verdict: Comparison["verdict"] | "not-run";
  rules: string[];
  differences: Comparison["differences"];
  durationMs: number;
  scenario: Scenario;
  emulator?: Comparison["emulator"];
  workerd?: Comparison["workerd"];
  /** Present for explained differences and unexplained scenarios. */
  replay?: string;
}

export interface ShrunkScenario {
  index: number;
  seed: number;
  path: string | undefined;
  runs: number;
  /** The difference did not show again when re-run (real time on workerd): not shrunk. */
  flaky: boolean;
  scenario: Scenario;
  differences: string[];
  replay?: string;
}

export interface CompareReport {
  version: number;
  seed: number;
  timeScale: number;
  startedAt: string;
  durationMs: number;
  /** The emulator target, then the real side: `workerd`, or `remote` (a deployment). */
  targets: string[];
  /** The deployment's URL when the real side is `remote`. */
  endpoint?: string;
  dispatcher: string;
  summary: {
    scenarios: number;
    agreements: number;
    explained: number;
    byRule: Record<string, number>;
    unexplained: number;
    notRun: number;
  };
  rules: { id: string; reason: string }[];
  scenarios: CompareScenarioResult[];
  shrunk: ShrunkScenario[];
}

/** Options a replay must repeat to see the same scenario the same way (the dispatcher when not the default one). */
export interface CompareReplayArgs {
  /** What selects the real side when it is not local workerd: `--target remote --url …` (never the token). */
  targetArgs?: string[];
  seed: number;
  timeScale: number;
  dispatcher?: string;
}

export const DEFAULT_TIME_SCALE = 50;

/**
 * `npm run compare -- --seed S --path P` (+ `--time-scale`, `--dispatcher` when not the defaults), or
 * `npx dwc compare …` where the tool is installed in the user's project (cli/invocation.ts).
 */
export function compareReplayCommand(
  args: CompareReplayArgs,
  path: string,
  invocation: Invocation = INVOCATION,
): string {
  const extra = [
    ...(args.timeScale !== DEFAULT_TIME_SCALE ? ["--time-scale", String(args.timeScale)] : []),
    ...(args.dispatcher ? ["--dispatcher", args.dispatcher] : []),
  ];
  const target = args.targetArgs?.length ? ` ${args.targetArgs.join(" ")}` : "";
  return `${commandPrefix("compare", invocation)}${target} --seed ${args.seed} --path ${path}${extra.length ? ` ${extra.join(" ")}` : ""}`;
}
