/**
 * `dwc run` (`npm start`): the conformance run, with the configuration in `dwc.config.json` (if present; `--config <file>`
 * picks another; without one, the built-in defaults): by default the reference dispatcher on the emulator (both
 * profiles) and on local workerd. Subcommand-line flags override the config. Exit status is non-zero if any case
 * fails or a known divergence starts passing. A remote target (`--target remote --url <u> --token <t>`, or
 * `{ "remote": { ... } }` in the config) runs the suites against a deployed dispatcher.
 */
import { parseArgs } from "node:util";
import type { Target } from "../../contract/target.ts";
import { ALL_CASES } from "../../suites/index.ts";
import { oneLineFailure } from "../../suites/failure-detail.ts";
import { isFailure, runCase, type CaseResult } from "../../suites/run-case.ts";
import { isTargetName, LOCAL_TARGETS, TARGETS, type TargetSettings } from "../../targets/registry.ts";
import { KNOWN_SUITES, remoteToken, type RemoteTargetConfig } from "../config/load-config.ts";
import { consoleSummary, STATUS_WORD } from "../reports/console-summary.ts";
import { buildResults } from "../reports/results.ts";
import { installedLibrary, writeResultsReports } from "../reports/write-reports.ts";
import { baselineStep, baselineOptions, withOptionalValues } from "./run-baseline.ts";
import { vacuousTargets } from "../vacuity.ts";
import { UsageError, type Subcommand } from "./command.ts";
import { configFor } from "./options.ts";
import { shownPath } from "./shown-path.ts";
import { commandPrefix, forInvocation } from "../invocation.ts";
import { describeSubject, libraryNextTo, subjectFor } from "../subject.ts";
import { preflightTargets } from "./check.ts";
import { missingPackageMessage } from "../missing-package.ts";
import { parseShard, shardCases } from "../shard.ts";

const HELP = forInvocation(`Usage: dwc run [options]        (npm start -- [run] [options])

Runs the conformance suites against a dispatcher (default: the reference dispatcher) and prints a results matrix.
Settings come from dwc.config.json when it exists (README "Configuration"); these flags override them.

Options:
  --config <file>   the config file (default: dwc.config.json if present, else the built-in defaults)
  --dispatcher <f>  the dispatcher entry to test (overrides the config's "dispatcher")
  --target <name>   a target to run (repeatable): ${Object.keys(TARGETS).join(", ")}.
                    Default: the config's "targets" (${LOCAL_TARGETS.join(", ")})
  --url <url>       remote target: the deployed dispatcher's URL (or env DWC_REMOTE_URL)
  --token <token>   remote target: its HARNESS_TOKEN secret (or env DWC_REMOTE_TOKEN)
  --suite <name>    only cases of this suite (repeatable): ${KNOWN_SUITES.join(", ")}
  --case <id>       only this case id (repeatable), e.g. routing/crash-mid-step
  --reports <dir>   where to write index.html, results.json and junit.xml (default: the config's reports.dir, reports)
  --no-reports      write no reports
  --case-timeout <s> a case still running after this many seconds fails (default: the config's
                    budget.caseTimeoutSeconds, 120)
  --shard <i/n>     run only the i-th of n equal slices of the case list (for a CI matrix; merge the shards'
                    results.json with dwc report --from)
  --baseline [file] acknowledge the findings listed in a baseline file (default: the config's "baseline", else
                    dwc.baseline.json): the run fails on a new finding, or on a listed one that no longer appears
  --write-baseline [file]
                    write the findings of this run as the baseline (default: the same file); findings of cases
                    this run did not complete are kept
  -h, --help        this help
`);

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: withOptionalValues(argv),
    options: {
      ...baselineOptions,
      config: { type: "string" },
      dispatcher: { type: "string" },
      target: { type: "string", multiple: true },
      suite: { type: "string", multiple: true },
      case: { type: "string", multiple: true },
      url: { type: "string" },
      token: { type: "string" },
      reports: { type: "string" },
      "no-reports": { type: "boolean" },
      "case-timeout": { type: "string" },
      shard: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = configFor(values.config);
  // A wrong baseline file is a setup error: found before any case runs.
  const baseline = baselineStep(values, config.baseline, commandPrefix("run"));
  const subject = subjectFor(config, values.dispatcher);
  const dispatcherPath = subject.main;
  const configRemote = config.targets.find((t): t is RemoteTargetConfig => typeof t !== "string");
  const targetNames = values.target ?? config.targets.map((t) => (typeof t === "string" ? t : "remote"));
  for (const name of targetNames) {
    if (!isTargetName(name)) {
      throw new UsageError(`Unknown target "${name}". Known targets: ${Object.keys(TARGETS).join(", ")}`);
    }
  }
  const settings: TargetSettings = {
    subject,
    dispatcherPath,
    compatibilityDate: subject.compatibilityDate,
    url: values.url ?? configRemote?.remote.url ?? process.env.DWC_REMOTE_URL,
    token: values.token ?? (configRemote ? remoteToken(configRemote) : undefined) ?? process.env.DWC_REMOTE_TOKEN,
  };
  // Build every target before running anything, so a usage error (remote without --url/--token) comes first.
  const targets = new Map<string, Target>();
  for (const name of targetNames) {
    try {
      targets.set(name, await TARGETS[name as keyof typeof TARGETS](settings));
    } catch (error) {
      const advice = missingPackageMessage(error);
      if (advice) {
        process.stderr.write(`${advice}\n`);
        return 2;
      }
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
      return 2;
    }
  }
  for (const target of targets.values()) {
    if (!target.preflight) continue;
    // Before any case: a refused token or an unreachable URL is a setup error, not a column of failures.
    try {
      await target.preflight();
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  // The contract, end to end, on each local target before any case: a subject that cannot be reached is one setup
  // error with its fix (exit 2), not a column of failed cases.
  process.stdout.write(
    `${describeSubject(dispatcherPath, config.file, process.cwd(), subject.wranglerFile).join("\n")}\n`,
  );
  const local = new Map([...targets].filter(([name]) => name !== "remote"));
  if (!(await preflightTargets(local, subject))) return 2;
  const caseTimeoutSeconds =
    values["case-timeout"] === undefined ? config.budget.caseTimeoutSeconds : Number(values["case-timeout"]);
  if (!Number.isFinite(caseTimeoutSeconds) || caseTimeoutSeconds <= 0) {
    throw new UsageError(`--case-timeout must be a number of seconds greater than 0, got "${values["case-timeout"]}"`);
  }
  const suites = values.suite ?? config.suites;
  const cases = shardCases(
    parseShard(values.shard),
    ALL_CASES.filter((c) => suites.includes(c.id.split("/")[0]) && (!values.case || values.case.includes(c.id))),
  );
  if (cases.length === 0) {
    process.stderr.write("No case matches the --suite/--case filters (and the config's suites).\n");
    return 2;
  }
  // What a replay needs besides --target/--case: the config file and dispatcher this run was given explicitly.
  const replayExtra = [
    ...(values.config !== undefined ? ["--config", shownPath(config.file!)] : []),
    ...(values.dispatcher !== undefined ? ["--dispatcher", values.dispatcher] : []),
  ];
  const startedAt = new Date();
  const started = performance.now();
  const results: CaseResult[] = [];
  for (const name of targetNames) {
    const target = targets.get(name)!;
    process.stdout.write(`\n${name}: ${cases.length} cases\n`);
    for (const [index, c] of cases.entries()) {
      const result = await runCase(target, c, undefined, { timeoutMs: caseTimeoutSeconds * 1000 });
      results.push(result);
      const detail =
        result.status === "pass"
          ? ""
          : ` — ${result.reason ?? (result.error !== undefined ? oneLineFailure(result.error, result.failure) : undefined) ?? result.findings?.map((f) => `[${f.severity}] ${f.title}`).join("; ") ?? ""}`;
      process.stdout.write(
        `  [${index + 1}/${cases.length}] ${STATUS_WORD[result.status].padEnd(16)} ${c.id} (${result.durationMs.toFixed(0)} ms)${detail.split("\n")[0].slice(0, 200)}\n`,
      );
    }
  }
  const run = {
    startedAt,
    durationMs: performance.now() - started,
    dispatcher: shownPath(dispatcherPath), // relative to the working folder, as every path the CLI prints
    targets: targetNames.map((name) => {
      const target = targets.get(name)!;
      return { name, profile: target.profile.name, capabilities: target.capabilities, url: target.endpoint };
    }),
    cases,
    results,
    replayArgs: replayExtra,
    replayPrefix: commandPrefix("run"),
  };
  // The version the dispatcher's bundle resolves (the subject line's), else the working folder's install.
  const library = libraryNextTo(dispatcherPath) ?? installedLibrary();
  const unjudged = buildResults(run, library);
  const outcome = await baseline.afterRun(unjudged.results);
  const built = outcome.compared ? buildResults({ ...run, baseline: outcome.compared }, library) : unjudged;
  process.stdout.write(`${consoleSummary(built).join("\n")}\n`);
  for (const line of outcome.lines) process.stdout.write(`\n${line}`);
  if (outcome.lines.length > 0) process.stdout.write("\n");
  const vacuous = vacuousTargets(results, targetNames);
  for (const message of vacuous) process.stdout.write(`\nVACUOUS RUN — ${message}\n`);
  const exitCode = results.some((r) => isFailure(r.status)) || vacuous.length > 0 || outcome.fails ? 1 : 0;
  if (values["no-reports"]) return exitCode;
  const reportsDir = values.reports ?? shownPath(config.reports.dir);
  try {
    const written = await writeResultsReports(reportsDir, built);
    process.stdout.write(`\nReports: ${written.html}, ${written.json}, ${written.junit}\n`);
  } catch (error) {
    process.stderr.write(
      `Could not write the reports to ${reportsDir}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return Math.max(exitCode, 2);
  }
  return exitCode;
}

export const runCommand: Subcommand = { help: HELP, run };
