/**
 * `dwc compare` (`npm run compare`): differential comparison of the emulator (local profile) with local workerd — or,
 * with `--target remote`, of the emulator (production profile) with a deployment (compare-targets.ts) — on
 * the same seeded scenarios (differential/compare.ts). Prints a progress line per scenario, then the summary,
 * shrinks every unexplained difference (while time is left) and prints it with its seed and path, writes every
 * verdict to reports/compare.json. Exit status 1 when a difference is unexplained. docs/compare.md.
 */
import type { SubjectDescription } from "../../contract/subject.ts";
import type { Target } from "../../contract/target.ts";
import { subjectFor } from "../subject.ts";
import { preflightTargets } from "./check.ts";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { isTargetUnusable } from "../../contract/target-unusable.ts";
import {
  type CompareTargets,
  compareScenario,
  sampleScenarios,
  shrinkUnexplained,
} from "../../differential/compare.ts";
import { renderDifferenceAgainst } from "../../differential/diff.ts";
import type { ScenarioSupport } from "../../suites/properties/scenario.ts";
import { COMPARE_TARGET_HELP, COMPARE_TARGET_OPTIONS, type CompareSides, compareSides } from "./compare-targets.ts";
import { EXPLANATION_RULES } from "../../differential/explanations.ts";
import { scenarioAtPath } from "../../differential/scenario-at-path.ts";
import { renderCompareHtml } from "../reports/compare-html.ts";
import {
  COMPARE_REPORT_VERSION,
  compareReplayCommand,
  DEFAULT_TIME_SCALE,
  type CompareReport,
  type CompareScenarioResult,
  type ShrunkScenario,
} from "../reports/compare-report.ts";
import { REFERENCE_DISPATCHER_PATH } from "../../targets/topology.ts";
import { renderScenario, type Scenario } from "../../suites/properties/scenario.ts";
import { UsageError, type Subcommand } from "./command.ts";
import { configFor, wholeNumber as number } from "./options.ts";
import { shownPath } from "./shown-path.ts";
import { forInvocation } from "../invocation.ts";

const HELP = forInvocation(`Usage: dwc compare [options]        (npm run compare -- [options])

Runs the same seeded scenarios (tenants creating instances, time passing, events, crashes, pause/resume/terminate/
restart: what workerd can do) on the emulator's local profile and on local workerd (miniflare) — or, with --target
remote, on the emulator's production profile and on a deployment (docs/remote.md) —, records what each instance
observably did, scrubs ids and times, and diffs the two. Each scenario is an agreement, an explained difference
(a rule in differential/explanations.ts explains every difference) or unexplained; unexplained ones are
shrunk to the smallest scenario that still shows them. Exit status 1 when anything is unexplained. docs/compare.md.

Options:
${COMPARE_TARGET_HELP}
  --scenarios <n>    how many scenarios (default 200; about 2 s each on 2 cores)
  --seed <n>         the seed (default 1); a shrunk scenario prints the seed and path that replay it
  --path <p>         compare only the scenario at this path of --seed (as printed: 15, or 15:0:2 when shrunk)
  --time-limit <s>   stop starting scenarios and shrinking after this many seconds (default 480)
  --time-scale <ms>  real milliseconds on workerd per scenario second (default 50)
  --no-shrink        report unexplained scenarios as they are
  --config <file>    take the dispatcher and compatibility date from this config (default: dwc.config.json if present)
  --dispatcher <f>   the dispatcher entry to compare (overrides the config)
  --out <file>       where to write the JSON report (default reports/compare.json; compare.html next to it)
  -h, --help         this help
`);

interface Options {
  scenarios: number;
  seed: number;
  timeLimitS: number;
  timeScale: number;
  shrink: boolean;
  out: string;
  path?: string;
  dispatcherPath: string;
  compatibilityDate: string;
  subject: SubjectDescription;
  sides: CompareSides;
}

async function parse(argv: string[]): Promise<Options | "help"> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenarios: { type: "string" },
      seed: { type: "string" },
      path: { type: "string" },
      "time-limit": { type: "string" },
      "time-scale": { type: "string" },
      "no-shrink": { type: "boolean" },
      config: { type: "string" },
      dispatcher: { type: "string" },
      out: { type: "string" },
      ...COMPARE_TARGET_OPTIONS,
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const config = configFor(values.config);
  const subject = subjectFor(config, values.dispatcher);
  return {
    scenarios: number("scenarios", values.scenarios, 200, 1),
    seed: number("seed", values.seed, 1, 0),
    timeLimitS: number("time-limit", values["time-limit"], 480, 1),
    timeScale: number("time-scale", values["time-scale"], DEFAULT_TIME_SCALE, 1),
    shrink: !values["no-shrink"],
    out: values.out ?? "reports/compare.json",
    path: values.path,
    dispatcherPath: subject.main,
    compatibilityDate: subject.compatibilityDate,
    subject,
    sides: await compareSides(values, config, subject),
  };
}

async function run(argv: string[]): Promise<number> {
  const options = await parse(argv);
  if (options === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const started = Date.now();
  const deadline = started + options.timeLimitS * 1000;
  const { emulator, real } = options.sides;
  const targets: CompareTargets = { emulator, workerd: real };
  // A deployment first: a refused secret or an unreachable URL stops the run before anything starts (exit 2).
  if (real.preflight) {
    try {
      await real.preflight();
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
  }
  if (!options.path) {
    // The deployment is checked by its ping above; the local targets by the subject contract's preflight.
    const checked = new Map<string, Target>([[emulator.name, emulator]]);
    if (real.name !== "remote") checked.set(real.name, real);
    if (!(await preflightTargets(checked, options.subject))) return 2;
  }
  const support = real.capabilities;
  try {
    return await compareAll(options, targets, support, started, deadline);
  } catch (error) {
    // A refused secret mid-run, or a deployment slower than the budget: a setup error with its fix, not a result.
    if (!isTargetUnusable(error)) throw error;
    process.stderr.write(`\ndwc compare stopped: ${error.message}\n`);
    const last = options.sides.lastCleanup;
    if (last) {
      // What the stopped scenario left on the deployment: each instance it created was checked, live ones terminated.
      const left = last.notes.length === 0 ? "none was left live" : last.notes.join("; ");
      process.stderr.write(
        `Clean-up on the deployment: ${last.checked} instance(s) the stopped scenario created, ${left}.\n`,
      );
    }
    process.stderr.write("No reports written: the comparison did not finish.\n");
    return 2;
  }
}

async function compareAll(
  options: Options,
  targets: CompareTargets,
  support: ScenarioSupport,
  started: number,
  deadline: number,
): Promise<number> {
  const { emulator, real, targetArgs } = options.sides;
  const render = (d: Parameters<typeof renderDifferenceAgainst>[0]) => renderDifferenceAgainst(d, real.name);
  // The reference dispatcher stays implicit in replay commands, like in fuzz's.
  const replayArgs = {
    targetArgs,
    seed: options.seed,
    timeScale: options.timeScale,
    dispatcher: options.dispatcherPath === REFERENCE_DISPATCHER_PATH ? undefined : shownPath(options.dispatcherPath),
  };
  if (options.path !== undefined) return replayOne(options, targets, support, replayArgs);
  const scenarios = sampleScenarios(support, options.seed, options.scenarios);
  const results: CompareScenarioResult[] = [];
  console.log(
    `compare: ${scenarios.length} scenarios, seed ${options.seed}, ${emulator.name} vs ${real.name}${real.endpoint ? ` at ${real.endpoint}` : ""}, dispatcher ${shownPath(options.dispatcherPath)}, time scale ${options.timeScale}, time limit ${options.timeLimitS} s`,
  );

  for (const [index, scenario] of scenarios.entries()) {
    const base = { index, path: String(index), scenario };
    if (Date.now() > deadline) {
      results.push({ ...base, verdict: "not-run", rules: [], differences: [], durationMs: 0 });
      continue;
    }
    const comparison = await compareScenario(scenario, targets, { timeScale: options.timeScale });
    results.push({
      ...base,
      verdict: comparison.verdict,
      rules: comparison.rules,
      differences: comparison.differences,
      durationMs: comparison.durationMs,
      emulator: comparison.emulator,
      workerd: comparison.workerd,
      ...(comparison.verdict === "agreement" ? {} : { replay: compareReplayCommand(replayArgs, base.path) }),
    });
    const note =
      comparison.verdict === "agreement"
        ? ""
        : ` (${
            comparison.verdict === "explained"
              ? comparison.rules.join(", ")
              : comparison.differences
                  .filter((d) => !d.rule)
                  .map((d) => `${d.instance} ${d.field}`)
                  .join(", ")
          })`;
    console.log(
      `[${index + 1}/${scenarios.length}] ${comparison.verdict}${note} ${(comparison.durationMs / 1000).toFixed(1)} s`,
    );
  }

  const ran = results.filter((r) => r.verdict !== "not-run");
  const agreements = ran.filter((r) => r.verdict === "agreement").length;
  const explained = ran.filter((r) => r.verdict === "explained");
  const unexplained = ran.filter((r) => r.verdict === "unexplained");
  const byRule = new Map<string, number>();
  for (const r of explained) for (const rule of r.rules) byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
  const ruleText = byRule.size === 0 ? "" : ` (${[...byRule].map(([rule, n]) => `${rule}: ${n}`).join(", ")})`;
  const wall = (Date.now() - started) / 1000;

  const shrunk: ShrunkScenario[] = [];
  for (const result of unexplained) {
    console.log(
      `\nUnexplained difference in scenario ${result.index + 1} (seed ${options.seed}, path ${result.path}):`,
    );
    console.log(renderScenario(result.scenario));
    for (const d of result.differences.filter((x) => !x.rule)) console.log(`  - ${render(d)}`);
    console.log(`  replay: ${result.replay}`);
    if (!options.shrink || Date.now() > deadline) {
      if (options.shrink) console.log("  (not shrunk: the time limit is reached)");
      continue;
    }
    const s = await shrinkUnexplained(support, options.seed, result.index, targets, {
      timeScale: options.timeScale,
      deadline,
    });
    const differences = (s.comparison?.differences ?? []).filter((d) => !d.rule).map(render);
    const replay = s.flaky || s.path === undefined ? undefined : compareReplayCommand(replayArgs, s.path);
    shrunk.push({
      index: result.index,
      seed: s.seed,
      path: s.path,
      runs: s.runs,
      flaky: s.flaky,
      scenario: s.scenario,
      differences,
      ...(replay ? { replay } : {}),
    });
    if (s.flaky)
      console.log(`  shrinking: the difference did not show again when re-run (real time on ${real.name}): not shrunk`);
    else {
      console.log(`  shrunk in ${s.runs} runs to (seed ${s.seed}, path ${s.path}):`);
      console.log(renderScenario(s.scenario).replace(/^/gm, "    "));
      for (const d of differences) console.log(`    - ${d}`);
      console.log(`    replay: ${replay}`);
    }
  }

  const notRun = results.length - ran.length;
  const summary = `${ran.length} scenarios: ${agreements} agreements, ${explained.length} explained differences${ruleText}, ${unexplained.length} unexplained${notRun ? ` (${notRun} not run: time limit)` : ""}`;
  console.log(`\n${summary}`);
  console.log(
    `wall time ${wall.toFixed(0)} s for the comparisons, ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
  );

  await mkdir(dirname(options.out), { recursive: true });
  const json: CompareReport = {
    version: COMPARE_REPORT_VERSION,
    seed: options.seed,
    timeScale: options.timeScale,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    targets: [emulator.name, real.name],
    ...(real.endpoint ? { endpoint: real.endpoint } : {}),
    dispatcher: shownPath(options.dispatcherPath),
    summary: {
      scenarios: ran.length,
      agreements,
      explained: explained.length,
      byRule: Object.fromEntries(byRule),
      unexplained: unexplained.length,
      notRun,
    },
    rules: EXPLANATION_RULES.map((r) => ({ id: r.id, reason: r.reason })),
    scenarios: results,
    shrunk,
  };
  await writeFile(options.out, `${JSON.stringify(json, null, 2)}\n`);
  const html = join(dirname(options.out), "compare.html");
  await writeFile(html, renderCompareHtml(json));
  for (const note of options.sides.cleanups) console.log(`cleaned up: ${note}`);
  console.log(`Reports: ${html}, ${options.out}`);
  return unexplained.length > 0 ? 1 : 0;
}

/** `--path`: one scenario on both targets, its differences, and the verdict as the exit status. */
async function replayOne(
  options: Options,
  targets: CompareTargets,
  support: ScenarioSupport,
  replayArgs: Parameters<typeof compareReplayCommand>[0],
): Promise<number> {
  let scenario: Scenario;
  try {
    scenario = scenarioAtPath(support, options.seed, options.path!);
  } catch (error) {
    throw new UsageError(`--path: ${(error as Error).message}`);
  }
  console.log(
    `compare: seed ${options.seed}, path ${options.path}, ${targets.emulator.name} vs ${targets.workerd.name}, time scale ${options.timeScale}`,
  );
  console.log(renderScenario(scenario));
  const comparison = await compareScenario(scenario, targets, { timeScale: options.timeScale });
  for (const d of comparison.differences)
    console.log(`  - ${renderDifferenceAgainst(d, targets.workerd.name)}${d.rule ? ` (explained by: ${d.rule})` : ""}`);
  console.log(
    `${comparison.verdict}${comparison.rules.length ? ` (${comparison.rules.join(", ")})` : ""} in ${(comparison.durationMs / 1000).toFixed(1)} s`,
  );
  console.log(`replay: ${compareReplayCommand(replayArgs, options.path!)}`);
  return comparison.verdict === "unexplained" ? 1 : 0;
}

export const compareCommand: Subcommand = { help: HELP, run };
