/**
 * `npm run compare -- --scenarios 200 --seed 1 [--time-limit 480] [--time-scale 50] [--no-shrink] [--out reports/compare.json]`
 *
 * Differential comparison of the emulator (local profile) with local workerd on the same seeded scenarios
 * (harness/compare/compare.ts). Prints a progress line per scenario, then the summary, shrinks every unexplained
 * difference (while time is left) and prints it with its seed and path, writes every verdict to
 * reports/compare.json. Exit status 1 when a difference is unexplained. docs/compare.md.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { EmulatorTarget } from "./targets/emulator-target.ts";
import { WorkerdTarget } from "./targets/workerd-target.ts";
import { compareScenario, sampleScenarios, shrinkUnexplained, type Comparison } from "./compare/compare.ts";
import { renderDifference } from "./compare/diff.ts";
import { KNOWN_DIVERGENCES } from "./compare/known-divergences.ts";
import { renderScenario, type Scenario } from "../suites/properties/scenario.ts";

interface Options {
  scenarios: number;
  seed: number;
  timeLimitS: number;
  timeScale: number;
  shrink: boolean;
  out: string;
}

function parse(argv: string[]): Options {
  const options: Options = { scenarios: 200, seed: 1, timeLimitS: 480, timeScale: 50, shrink: true, out: "reports/compare.json" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const number = () => {
      const v = Number(value());
      if (!Number.isFinite(v)) throw new Error(`${arg} needs a number`);
      return v;
    };
    if (arg === "--scenarios") options.scenarios = number();
    else if (arg === "--seed") options.seed = number();
    else if (arg === "--time-limit") options.timeLimitS = number();
    else if (arg === "--time-scale") options.timeScale = number();
    else if (arg === "--no-shrink") options.shrink = false;
    else if (arg === "--out") options.out = value();
    else if (arg === "--help" || arg === "-h") {
      console.log(
        "npm run compare -- [--scenarios N (200)] [--seed S (1)] [--time-limit SECONDS (480)] [--time-scale MS_PER_SCENARIO_SECOND (50)] [--no-shrink] [--out FILE (reports/compare.json)]",
      );
      process.exit(0);
    } else throw new Error(`unknown option ${arg} (--help)`);
  }
  return options;
}

interface ScenarioResult {
  index: number;
  path: string;
  verdict: Comparison["verdict"] | "not-run";
  rules: string[];
  differences: Comparison["differences"];
  durationMs: number;
  scenario: Scenario;
  emulator?: Comparison["emulator"];
  workerd?: Comparison["workerd"];
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  const started = Date.now();
  const deadline = started + options.timeLimitS * 1000;
  const workerd = new WorkerdTarget();
  const targets = { emulator: new EmulatorTarget("local"), workerd };
  const support = workerd.capabilities;
  const scenarios = sampleScenarios(support, options.seed, options.scenarios);
  const results: ScenarioResult[] = [];
  console.log(`compare: ${scenarios.length} scenarios, seed ${options.seed}, emulator-local vs workerd, time scale ${options.timeScale}, time limit ${options.timeLimitS} s`);

  for (const [index, scenario] of scenarios.entries()) {
    const base = { index, path: String(index), scenario };
    if (Date.now() > deadline) {
      results.push({ ...base, verdict: "not-run", rules: [], differences: [], durationMs: 0 });
      continue;
    }
    const comparison = await compareScenario(scenario, targets, { timeScale: options.timeScale });
    results.push({ ...base, verdict: comparison.verdict, rules: comparison.rules, differences: comparison.differences, durationMs: comparison.durationMs, emulator: comparison.emulator, workerd: comparison.workerd });
    const note = comparison.verdict === "agreement" ? "" : ` (${comparison.verdict === "known-divergence" ? comparison.rules.join(", ") : comparison.differences.filter((d) => !d.rule).map((d) => `${d.instance} ${d.field}`).join(", ")})`;
    console.log(`[${index + 1}/${scenarios.length}] ${comparison.verdict}${note} ${(comparison.durationMs / 1000).toFixed(1)} s`);
  }

  const ran = results.filter((r) => r.verdict !== "not-run");
  const agreements = ran.filter((r) => r.verdict === "agreement").length;
  const known = ran.filter((r) => r.verdict === "known-divergence");
  const unexplained = ran.filter((r) => r.verdict === "unexplained");
  const byRule = new Map<string, number>();
  for (const r of known) for (const rule of r.rules) byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
  const ruleText = byRule.size === 0 ? "" : ` (${[...byRule].map(([rule, n]) => `${rule}: ${n}`).join(", ")})`;
  const wall = (Date.now() - started) / 1000;

  const shrunk: Array<{ index: number; seed: number; path: string | undefined; runs: number; flaky: boolean; scenario: Scenario; differences: string[] }> = [];
  for (const result of unexplained) {
    console.log(`\nUnexplained difference in scenario ${result.index + 1} (seed ${options.seed}, path ${result.path}):`);
    console.log(renderScenario(result.scenario));
    for (const d of result.differences.filter((x) => !x.rule)) console.log(`  - ${renderDifference(d)}`);
    if (!options.shrink || Date.now() > deadline) {
      if (options.shrink) console.log("  (not shrunk: the time limit is reached)");
      continue;
    }
    const s = await shrinkUnexplained(support, options.seed, result.index, targets, { timeScale: options.timeScale, deadline });
    const differences = (s.comparison?.differences ?? []).filter((d) => !d.rule).map(renderDifference);
    shrunk.push({ index: result.index, seed: s.seed, path: s.path, runs: s.runs, flaky: s.flaky, scenario: s.scenario, differences });
    if (s.flaky) console.log(`  shrinking: the difference did not show again when re-run (real time on workerd): not shrunk`);
    else {
      console.log(`  shrunk in ${s.runs} runs to (seed ${s.seed}, path ${s.path}):`);
      console.log(renderScenario(s.scenario).replace(/^/gm, "    "));
      for (const d of differences) console.log(`    - ${d}`);
    }
  }

  const notRun = results.length - ran.length;
  const summary = `${ran.length} scenarios: ${agreements} agreements, ${known.length} known divergences${ruleText}, ${unexplained.length} unexplained${notRun ? ` (${notRun} not run: time limit)` : ""}`;
  console.log(`\n${summary}`);
  console.log(`wall time ${wall.toFixed(0)} s for the comparisons, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);

  await mkdir(dirname(options.out), { recursive: true });
  const json = {
    version: 1,
    seed: options.seed,
    timeScale: options.timeScale,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    targets: ["emulator-local", "workerd"],
    summary: { scenarios: ran.length, agreements, knownDivergences: known.length, byRule: Object.fromEntries(byRule), unexplained: unexplained.length, notRun },
    rules: KNOWN_DIVERGENCES.map((r) => ({ id: r.id, reason: r.reason })),
    scenarios: results,
    shrunk,
  };
  await writeFile(options.out, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`Report: ${options.out}`);
  return unexplained.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
