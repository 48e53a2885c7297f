/**
 * `dwc explore`: runs the tenants' own workflows (dwc.config.json's `explore` section) through the dispatcher on
 * the emulator under fault schedules — every crash point × step, an eviction after every step, a hibernation at
 * every wait, then random combinations — and checks the oracles (right code, durability, replay safety, same
 * result), printing per workflow × input the verdict, the coverage line, each finding with its one-line replay, and
 * the at-least-once table; reports go to explore-results.json, explore-junit.xml and explore.html.
 *
 * The engine is `explore(request)` (simulation/explore/explore.ts); this file builds the request from the config and
 * the flags and renders what comes back. Both the engine and the preflight are injected (`exploreCommandWith`) so
 * the command's tests run it on canned results.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { SubjectDescription } from "../../contract/subject.ts";
import { explore as realExplore } from "../../simulation/explore/explore.ts";
import type { ExploreRequest, ExploreResult } from "../../simulation/explore/explore-result.ts";
import { REFERENCE_DISPATCHER_PATH } from "../../targets/topology.ts";
import { prepareCases } from "../explore/explore-cases.ts";
import { commandPrefix, forInvocation } from "../invocation.ts";
import { describeExplore } from "../reports/explore-console.ts";
import { exploreVerdict } from "../reports/explore-results.ts";
import { writeExploreReports } from "../reports/write-explore-reports.ts";
import { parseShard } from "../shard.ts";
import { describeSubject, subjectFor } from "../subject.ts";
import { UsageError, type Subcommand } from "./command.ts";
import { configFor, wholeNumber as number } from "./options.ts";
import { shownPath } from "./shown-path.ts";

const HELP = forInvocation(`Usage: dwc explore [options]        (npm start -- explore [options])

Runs your tenants' own workflows (the "explore" section of dwc.config.json: code, class, inputs) through the
dispatcher on the emulator under fault schedules — every crash point × step, an eviction after every step, a
hibernation at every wait, then random combinations — and checks that every lifetime ran the creator's code,
that no step committed twice, that every lifetime replayed the recorded steps (else: replay-unsafe, with the two
sequences and the likely cause), and that the result equals the fault-free run's. Lists the steps whose callbacks
ran more than once (their side effects need idempotency keys). Exit 0 all passed, 1 a finding or a vacuous run,
2 a usage or configuration error.

Options:
  --config <file>            the config with the explore section (default: dwc.config.json)
  --workflow <name>          explore only this workflow
  --input <name>             explore only this input (of every chosen workflow)
  --runs <n>                 random schedules per workflow × input after the systematic ones (default: the
                             config's explore.runs, else 50)
  --seed <n>                 seed of the random schedules (default: random, printed)
  --path <p>                 replay one schedule (with --seed, --workflow and --input, from a finding's replay line)
  --check-determinism <n>    run n schedules twice and fail on any trace difference
  --profile <p>              production (default) | local
  --workers <n>              worker threads running a case's schedules side by side (default 1); the findings, reports
                             and replay lines are the same with any number
  --dispatcher <file>        the dispatcher under test (default: the config's)
  --shard <i/n>              explore only the i-th of n contiguous shares of the workflow × input cases (a CI
                             matrix); dwc report --from merges the shards' explore-results.json and names a missing one
  --reports <dir>            where to write explore-results.json, explore-junit.xml, explore.html (default: the
                             config's reports.dir)
  --no-reports               write no report files
  -h, --help

Example: npm start -- explore --config examples/explore-workflows/dwc.config.json --runs 100 --seed 7
`);

export interface ExploreDependencies {
  /** The engine (default: simulation/explore/explore.ts). */
  explore?: (request: ExploreRequest) => Promise<ExploreResult>;
  /** The subject's preflight on the emulator; resolves to whether it passed (default: cli/preflight.ts's steps). */
  preflight?: (subject: SubjectDescription, profile: "production" | "local") => Promise<boolean>;
}

async function emulatorPreflight(subject: SubjectDescription, profile: "production" | "local"): Promise<boolean> {
  const [{ EmulatorTarget }, { preflightTargets }] = await Promise.all([
    import("../../targets/emulator-target.ts"),
    import("./check.ts"),
  ]);
  return preflightTargets(new Map([[`emulator-${profile}`, new EmulatorTarget(profile, { subject })]]), subject);
}

/** The progress line: at most one every two seconds, so short runs print none and long ones stay alive in CI logs. */
function progressPrinter(write: (text: string) => void): ExploreRequest["onProgress"] {
  const started = performance.now();
  let last = started;
  let schedules = 0;
  return ({ workflow, input, done, total }) => {
    schedules++;
    const now = performance.now();
    if (now - last < 2000) return;
    last = now;
    const rate = (schedules / (now - started)) * 1000;
    // The engine may not know a case's total up front (random schedules stop early on a finding): then no "/total".
    const count = total > 0 ? `${done}/${total}` : `${done}`;
    write(`  ${workflow} / ${input}: ${count} schedules, ${rate.toFixed(0)} schedules/s overall\n`);
  };
}

export function exploreCommandWith(deps: ExploreDependencies = {}): Subcommand {
  const explore = deps.explore ?? realExplore;
  const preflight = deps.preflight ?? emulatorPreflight;
  const write = (text: string) => process.stdout.write(text);

  async function run(argv: string[]): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        workflow: { type: "string" },
        input: { type: "string" },
        runs: { type: "string" },
        seed: { type: "string" },
        path: { type: "string" },
        "check-determinism": { type: "string" },
        profile: { type: "string" },
        dispatcher: { type: "string" },
        shard: { type: "string" },
        workers: { type: "string" },
        reports: { type: "string" },
        "no-reports": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      write(HELP);
      return 0;
    }
    const config = configFor(values.config);
    if (!config.explore)
      throw new UsageError(
        `${config.file ? shownPath(config.file) : "No dwc.config.json here, so"}${config.file ? " has" : ""} no "explore" section: add one naming your workflows (code, className, inputs; docs/explore.md), or pass --config <file>`,
        false,
      );
    const profile = values.profile ?? "production";
    if (profile !== "production" && profile !== "local")
      throw new UsageError(`--profile must be production or local, got "${profile}"`);
    const subject = subjectFor(config, values.dispatcher);
    const shard = parseShard(values.shard);
    const seed = number("seed", values.seed, Math.floor(Math.random() * 2 ** 31));
    const randomRuns = number("runs", values.runs, config.explore.runs);
    const checkDeterminism = number("check-determinism", values["check-determinism"], 0);
    const workers = number("workers", values.workers, 1, 1);
    if (values.path !== undefined && (values.seed === undefined || !values.workflow || !values.input))
      throw new UsageError(
        "--path replays one schedule: give it with the --seed, --workflow and --input of the finding's replay line",
      );
    if (values.path !== undefined && shard) throw new UsageError("--path replays one schedule: drop --shard");

    // Replay lines start with what selects this setup: the config, profile and dispatcher the user gave.
    const setup = [
      values.config !== undefined ? `--config ${values.config}` : "",
      profile !== "production" ? `--profile ${profile}` : "",
      values.dispatcher !== undefined ? `--dispatcher ${values.dispatcher}` : "",
    ].filter(Boolean);
    const replayPrefix = [commandPrefix("explore"), ...setup].join(" ");
    const typed = [commandPrefix("explore"), ...argv].join(" ");

    const prepared = await prepareCases(
      config.explore,
      { workflow: values.workflow, input: values.input, shard },
      subject.compatibilityDate ?? config.compatibilityDate,
      { seed, replayPrefix },
    );
    if (!values.path) {
      write(`${describeSubject(subject.main, config.file, process.cwd(), subject.wranglerFile).join("\n")}\n`);
      if (shard)
        write(
          `shard ${shard.index}/${shard.count}: ${prepared.owned} of ${prepared.selected} workflow × input cases\n`,
        );
      if (!(await preflight(subject, profile))) return 2;
      const dispatcher = subject.main === REFERENCE_DISPATCHER_PATH ? "" : `, dispatcher ${shownPath(subject.main)}`;
      write(
        `exploring ${prepared.owned} workflow × input cases on the ${profile} profile: systematic schedules, then ${randomRuns} random per case, seed ${seed}${dispatcher}${workers > 1 ? `, ${workers} worker threads` : ""}\n`,
      );
    }
    const request: ExploreRequest = {
      subject,
      workflows: prepared.workflows,
      profile,
      seed,
      randomRuns,
      replayPrefix,
      onProgress: progressPrinter(write),
    };
    if (values.path) request.replay = { workflow: values.workflow!, input: values.input!, path: values.path };
    if (checkDeterminism > 0) request.checkDeterminism = checkDeterminism;
    if (workers > 1) request.workers = workers;

    const started = Date.now();
    const explored: ExploreResult =
      prepared.workflows.length > 0
        ? await explore(request)
        : { version: 1, seed, profile, cases: [], vacuity: [], durationMs: Date.now() - started, command: typed };
    const order = (c: { workflow: string; input: string }) => {
      const w = config.explore!.workflows.findIndex((x) => x.name === c.workflow);
      return w * 10_000 + config.explore!.workflows[w].inputs.findIndex((i) => i.name === c.input);
    };
    const result: ExploreResult = {
      ...explored,
      command: typed,
      cases: [...explored.cases, ...prepared.errors].sort((a, b) => order(a) - order(b)),
    };
    if (shard) result.shard = shard;
    write(`\n${describeExplore(result)}\n`);
    if (values.path) return exploreVerdict(result) === "pass" ? 0 : 1;
    if (!values["no-reports"]) {
      const written = await writeExploreReports(resolve(values.reports ?? config.reports.dir), result);
      write(`Reports: ${[written.html, written.json, written.junit].map(shownPath).join(", ")}\n`);
    }
    if (shard && prepared.owned === 0) {
      write(`shard ${shard.index}/${shard.count} owns no case (more shards than cases): the merge judges the run\n`);
      return 0;
    }
    return exploreVerdict(result) === "pass" ? 0 : 1;
  }

  return { help: HELP, run };
}

export const exploreCommand: Subcommand = exploreCommandWith();
