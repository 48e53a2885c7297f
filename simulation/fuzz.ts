/**
 * Property-based fuzzing: fast-check generates scenarios, runs each on a fresh emulator, checks the invariants, and
 * on a violation shrinks to the smallest scenario that still breaks them. The same seed and path replay a failure
 * exactly; `replayCommand` is the one line that does it.
 */
import type { SubjectDescription } from "../contract/subject.ts";
import fc from "fast-check";
import type { ProfileName } from "../contract/emulator-surface.ts";
import { checkInvariants } from "../suites/properties/invariants.ts";
import { EmulatorTarget } from "../targets/emulator-target.ts";
import { runScenario } from "./run-scenario.ts";
import { minimize } from "./shrink.ts";
import { countScenario, emptyStats, vacuity, type FuzzStats } from "./fuzz-stats.ts";
import { renderScenario, scenario, type Scenario } from "../suites/properties/scenario.ts";

export interface FuzzOptions {
  profile: ProfileName;
  /** The dispatcher under test (a path); default the reference dispatcher. */
  dispatcher?: string;
  /** The whole subject (wrangler topology + adapter); when given, it is run instead of `dispatcher`. */
  subject?: SubjectDescription;
  runs: number;
  seed: number;
  /** Replays one counterexample (from a failure report) instead of generating. */
  path?: string;
  /** Stop generating after this long (the runs done so far count). */
  timeLimitMs?: number;
  /** The command that starts a fuzz run where the user is (default this repository's `npm run fuzz --`). */
  replayPrefix?: string;
}

export interface FuzzFailure {
  seed: number;
  path: string;
  scenario: Scenario;
  rendered: string;
  violations: string[];
  replayCommand: string;
}

export interface FuzzResult {
  runs: number;
  ok: boolean;
  failure?: FuzzFailure;
  durationMs: number;
  /** What the generated scenarios exercised (instances, fault kinds injected vs effective). */
  stats: FuzzStats;
  /** Why this run tested nothing of some kind (fuzz-stats.ts); empty when fine, and on a replay of one path. */
  vacuity: string[];
}

class InvariantViolation extends Error {
  constructor(readonly violations: string[]) {
    super(violations.join("\n"));
  }
}

export async function fuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = performance.now();
  let runs = 0;
  const stats = emptyStats();
  let shrinking = false;
  const observe = (s: Scenario) =>
    runScenario(
      s,
      new EmulatorTarget(options.profile, {
        dispatcherPath: options.dispatcher,
        ...(options.subject ? { subject: options.subject } : {}),
        // A scenario never needs this many replays of one instance; a dispatcher that loops is reported, not waited on.
        emulator: { seed: 1, maxLifetimesPerInstance: 300 },
      }),
      { mode: "white-box" },
    );
  const property = fc.asyncProperty(scenario, async (s) => {
    runs++;
    const observation = await observe(s);
    if (!shrinking) countScenario(stats, observation, () => renderScenario(s));
    const violations = checkInvariants(observation);
    if (violations.length > 0) {
      shrinking = true;
      throw new InvariantViolation(violations);
    }
  });
  const details = await fc.check(property, {
    seed: options.seed,
    path: options.path,
    numRuns: options.path ? 1 : options.runs,
    interruptAfterTimeLimit: options.timeLimitMs,
    markInterruptAsFailure: false,
  });
  const durationMs = performance.now() - started;
  const empty = options.path ? [] : vacuity(stats);
  if (!details.failed || !details.counterexample) return { runs, ok: true, durationMs, stats, vacuity: empty };
  const error = details.errorInstance;
  // fast-check's smallest counterexample, then the 1-minimal pass (shrink.ts): the replay line stays fast-check's
  // seed and path, and a replay runs the same pass to the same scenario.
  const shrunk = await minimize(
    details.counterexample[0],
    error instanceof InvariantViolation ? error.violations : [`the run itself failed: ${String(error)}`],
    (s) => observe(s).then(checkInvariants, (e: unknown) => [`the run itself failed: ${String(e)}`]),
  );
  runs += shrunk.tries;
  const counterexample = shrunk.scenario;
  const violations = shrunk.violations;
  const path = details.counterexamplePath ?? "";
  return {
    runs,
    ok: false,
    durationMs,
    stats,
    vacuity: empty,
    failure: {
      seed: details.seed,
      path,
      scenario: counterexample,
      rendered: renderScenario(counterexample),
      violations,
      replayCommand: replayCommand(options, details.seed, path),
    },
  };
}

export function replayCommand(
  options: Pick<FuzzOptions, "profile" | "dispatcher" | "replayPrefix">,
  seed: number,
  path: string,
): string {
  const dispatcher = options.dispatcher ? ` --dispatcher ${options.dispatcher}` : "";
  return `${options.replayPrefix ?? "npm run fuzz --"} --profile ${options.profile}${dispatcher} --seed ${seed} --path ${path}`;
}

export function describeFailure(failure: FuzzFailure): string {
  return [
    `Invariant violated (seed ${failure.seed}, path ${failure.path}). Smallest scenario found:`,
    failure.rendered,
    "Violations:",
    ...failure.violations.map((v) => `  - ${v}`),
    `Replay exactly: ${failure.replayCommand}`,
  ].join("\n");
}
