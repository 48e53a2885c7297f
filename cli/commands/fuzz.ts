/**
 * `dwc fuzz` (`npm run fuzz`): property-based fuzzing of sleep, retry, eviction and crash schedules on the emulator.
 * Long runs go in batches (one seed each) spread over worker threads, with a progress line per batch; every failure
 * prints its shrunk scenario and a one-line replay command.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { REFERENCE_DISPATCHER_PATH } from "../../targets/topology.ts";
import { describeFailure, fuzz } from "../../simulation/fuzz.ts";
import { defaultWorkers, fuzzInPool } from "../../simulation/fuzz-pool.ts";
import { describeStats } from "../../simulation/fuzz-stats.ts";
import { UsageError, type Subcommand } from "./command.ts";
import { configFor, wholeNumber as number } from "./options.ts";
import { shownPath } from "./shown-path.ts";
import { commandPrefix, forInvocation } from "../invocation.ts";
import { describeSubject, subjectFor } from "../subject.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { preflightTargets } from "./check.ts";
import { shardedFuzz } from "../sharded-fuzz.ts";
import { fuzzShare, parseShard } from "../shard.ts";
import { FUZZ_RESULTS_VERSION, type FuzzProfileResult, fuzzVerdict } from "../reports/fuzz-results.ts";
import { installedLibrary, writeFuzzResults } from "../reports/write-reports.ts";

const HELP = forInvocation(`Usage: dwc fuzz [options]        (npm run fuzz -- [options])

Generates scenarios (tenants creating instances, time passing, events, evictions, crashes at named points,
pause/resume/terminate/restart, loader failures), runs each on the emulator, and checks the invariants
(routing, durability, liveness, events, status transitions, outputs). A failure is shrunk and printed with the
command that replays it exactly.

Options:
  --config <file>     take dispatcher, fuzz.runs, fuzz.profile, fuzz.workers from this config (default: dwc.config.json if
                      present); the flags below override it
  --runs <n>          scenarios to run (default 1000)
  --seed <n>          base seed (default: random, printed)
  --path <p>          replay one counterexample (with --seed, from a failure report)
  --profile <p>       production (default) | local | both
  --dispatcher <file> the dispatcher under test (default: the reference dispatcher)
  --time-limit <s>    stop after this many seconds
  --batch <n>         scenarios per batch: batch b uses seed <seed>+b (default 200)
  --shard <i/n>       run only batches [(i-1)·B/n, i·B/n) of the B batches (for a CI matrix); the n shards
                      together are exactly the unsharded run. A shard fails on a violation; whether the run
                      exercised every fault kind is judged over the whole, by dwc report --from
  --reports <dir>     where to write fuzz-results.json (default: the config's reports.dir, reports); the shards'
                      files merge with dwc report --from
  --no-reports        write no fuzz-results.json
  --workers <n>       worker threads running batches side by side (default: the cores, ${defaultWorkers()} here;
                      1 = this thread). The same --seed/--runs/--batch run the same scenarios whatever the count
  -h, --help
`);

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      path: { type: "string" },
      profile: { type: "string" },
      dispatcher: { type: "string" },
      "time-limit": { type: "string" },
      batch: { type: "string" },
      workers: { type: "string" },
      shard: { type: "string" },
      reports: { type: "string" },
      "no-reports": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = configFor(values.config);
  const subject = subjectFor(config, values.dispatcher);
  // The reference dispatcher stays implicit (no --dispatcher in replay commands); another one is shown relative.
  const dispatcher =
    values.dispatcher ?? (subject.main === REFERENCE_DISPATCHER_PATH ? undefined : shownPath(subject.main));
  const profiles =
    (values.profile ?? config.fuzz.profile) === "both"
      ? (["production", "local"] as const)
      : [values.profile ?? config.fuzz.profile];
  for (const p of profiles)
    if (p !== "production" && p !== "local")
      throw new UsageError(`--profile must be production, local or both, got "${p}"`);
  const shard = parseShard(values.shard);
  const allRuns = number("runs", values.runs, config.fuzz.runs);
  const batch = Math.max(1, number("batch", values.batch, 200));
  const workers = number("workers", values.workers, config.fuzz.workers ?? defaultWorkers(), 1);
  const baseSeed = number("seed", values.seed, Math.floor(Math.random() * 2 ** 31));
  const { seed, runs } = shardedFuzz(shard, baseSeed, allRuns, batch);
  const startedAt = new Date();
  const dispatcherPath = subject.main;
  const outcomes: FuzzProfileResult[] = [];
  const deadline = values["time-limit"] ? Date.now() + number("time-limit", values["time-limit"], 0) * 1000 : Infinity;

  if (!values.path) {
    process.stdout.write(
      `${describeSubject(subject.main, config.file, process.cwd(), subject.wranglerFile).join("\n")}\n`,
    );
    const targets = new Map(
      profiles.map((p) => [`emulator-${p}`, new EmulatorTarget(p as "production" | "local", { subject })]),
    );
    if (!(await preflightTargets(targets, subject))) return 2;
  }
  for (const profile of profiles as Array<"production" | "local">) {
    if (values.path) {
      const result = await fuzz({
        profile,
        dispatcher,
        subject,
        runs: 1,
        seed,
        path: values.path,
        replayPrefix: commandPrefix("fuzz"),
      });
      process.stdout.write(
        result.ok
          ? `replay (seed ${seed}, path ${values.path}): no violation\n`
          : `${describeFailure(result.failure!)}\n`,
      );
      if (!result.ok) return 1;
      continue;
    }
    process.stdout.write(
      `fuzzing ${profile} profile: ${runs} scenarios, seed ${seed}${dispatcher ? `, dispatcher ${dispatcher}` : ""}, batches of ${batch}, ${workers} worker${workers === 1 ? "" : "s"}\n`,
    );
    const started = performance.now();
    const result = await fuzzInPool({
      profile,
      dispatcher,
      subject,
      replayPrefix: commandPrefix("fuzz"),
      runs,
      seed,
      batchSize: batch,
      workers,
      deadline: Number.isFinite(deadline) ? deadline : undefined,
      onBatch: ({ done, seed: batchSeed, result: batchResult }) => {
        const rate = (done / (performance.now() - started)) * 1000;
        const note = batchResult.ok ? "0 violations" : `a violation in the batch with seed ${batchSeed} (shrunk)`;
        process.stdout.write(`  ${done}/${runs} scenarios, ${note}, ${rate.toFixed(0)} scenarios/s\n`);
      },
    });
    const done = result.runs;
    process.stdout.write(`${profile} coverage:\n${describeStats(result.stats)}\n`);
    const outcome: FuzzProfileResult = { profile, scenarios: done, vacuity: [], stats: result.stats };
    outcomes.push(outcome);
    if (!result.ok) {
      const { seed: s, path, violations, rendered, replayCommand } = result.failure!;
      outcome.violation = { seed: s, path, violations, scenario: rendered, replay: replayCommand };
      process.stdout.write(`${describeFailure(result.failure!)}\n`);
      break;
    }
    if (result.vacuity.length > 0 && shard) {
      // A shard is a sample of the run: a fault kind that never took effect in its few batches may well have in
      // the others. Vacuity is the whole run's verdict, judged when dwc report --from merges the shards.
      process.stdout.write(
        `${profile}: ${done} scenarios, 0 violations, seed ${seed}; in this shard alone (left to the merge, which judges the whole run):\n${result.vacuity.map((v) => `  - ${v.split("\n")[0]}`).join("\n")}\n`,
      );
      continue;
    }
    if (result.vacuity.length > 0) {
      outcome.vacuity = result.vacuity;
      process.stdout.write(
        `${profile}: the run tested nothing of some kind (seed ${seed}):\n${result.vacuity.map((v) => `  - ${v}`).join("\n")}\n`,
      );
      break;
    }
    process.stdout.write(`${profile}: ${done} scenarios, 0 violations, seed ${seed}\n`);
  }
  if (values.path) return 0;
  const verdict = fuzzVerdict(outcomes);
  if (!values["no-reports"]) {
    const file = await writeFuzzResults(resolve(values.reports ?? config.reports.dir), {
      kind: "fuzz",
      version: FUZZ_RESULTS_VERSION,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      verdict,
      subject: { dispatcher: shownPath(dispatcherPath), library: installedLibrary() },
      seed: baseSeed,
      runs: allRuns,
      batch,
      ...(shard ? { shard } : {}),
      batches: fuzzShare(shard, baseSeed, allRuns, batch).batches,
      profiles: outcomes,
    });
    process.stdout.write(`Results: ${shownPath(file)}\n`);
  }
  return verdict === "fail" ? 1 : 0;
}

export const fuzzCommand: Subcommand = { help: HELP, run };
