/**
 * One workflow × input: the fault-free run first (its steps and waits are the space faults are placed in; its result
 * is what every faulted run must end with), then every systematic schedule, then `randomRuns` random ones; each run
 * judged by the oracles (oracles.ts), its repeated callbacks collected (at-least-once.ts). A bad input or code is an
 * `error` finding for this case only.
 */
import { DEFAULT_ADAPTER } from "../../contract/subject.ts";
import { atLeastOnceRows, callbackRuns, mergeRows } from "./at-least-once.ts";
import type {
  AtLeastOnceRow,
  ExploreCaseResult,
  ExploreFinding,
  ExploreInput,
  ExploreRequest,
  ExploreWorkflow,
  Schedule,
} from "./explore-result.ts";
import { lifetimesOf } from "./lifetimes.ts";
import { durability, type OracleContext, type RawFinding, replaySafety, rightCode, sameResult } from "./oracles.ts";
import { exploreRandomly, randomSchedules } from "./random-schedules.ts";
import { type CaseSetup, neighbourOf, nextVersionOf, runSchedule, type ScheduleRun } from "./run-schedule.ts";
import type { Ran, SchedulePool } from "./schedule-pool.ts";
import {
  FAULT_KINDS,
  scheduleAtPath,
  schedulePath,
  scheduleText,
  type StepSpace,
  stepSpace,
  systematicSchedules,
} from "./schedules.ts";

export interface CaseOutcome {
  result: ExploreCaseResult;
  setup: CaseSetup;
  space?: StepSpace;
}

export async function exploreCase(
  request: ExploreRequest,
  workflow: ExploreWorkflow,
  input: ExploreInput,
  /** Runs the systematic and random schedules ahead on worker threads; judging stays in this order. */
  pool?: SchedulePool,
): Promise<CaseOutcome> {
  const started = performance.now();
  const adapter = request.subject?.adapter ?? DEFAULT_ADAPTER;
  const setup: CaseSetup = { workflow, input, request, neighbour: neighbourOf(workflow.tenant) };
  const ctx: OracleContext = {
    tenant: workflow.tenant,
    codeVersion: workflow.code.codeVersion,
    nextVersion: nextVersionOf(workflow.code.codeVersion),
    ownerKey: adapter.ownerKey,
    policy: adapter.codeVersion,
  };
  const result: ExploreCaseResult = {
    workflow: workflow.name,
    input: input.name,
    tenant: workflow.tenant,
    verdict: "passed",
    faultFree: { status: "unknown", steps: [] },
    coverage: [],
    random: { runs: 0, seed: request.seed },
    findings: [],
    atLeastOnce: [],
    exercised: { schedules: 0, instances: 0, lifetimes: 0, stepAttempts: 0, faultsInjected: 0, faultsEffective: 0 },
    durationMs: 0,
  };
  const findings = new Map<string, ExploreFinding>();
  const rows: AtLeastOnceRow[] = [];
  const replayCommand = (schedule: Schedule, space: StepSpace | undefined) =>
    `${request.replayPrefix} --seed ${request.seed} --workflow ${quote(workflow.name)} --input ${quote(input.name)} --path ${space ? schedulePath(schedule, space) : "none"}`;
  const fail = (message: string, schedule: Schedule = { origin: "fault-free", faults: [] }) => {
    findings.set(`error ${message}`, {
      kind: "error",
      message: `${workflow.name} × ${input.name}: ${message}`,
      schedule,
      scheduleText: scheduleText(schedule),
      replayCommand: replayCommand(schedule, undefined),
    });
  };
  const done = (space?: StepSpace): CaseOutcome => {
    result.findings = [...findings.values()];
    result.atLeastOnce = mergeRows(rows);
    const kinds = new Set(result.findings.map((f) => f.kind));
    result.verdict = kinds.has("error") ? "error" : kinds.size > 0 ? "failed" : "passed";
    result.durationMs = Math.round(performance.now() - started);
    return { result, setup, space };
  };

  let baseline: ScheduleRun;
  try {
    baseline = await runSchedule(setup, { origin: "fault-free", faults: [] });
  } catch (error) {
    fail(`the subject could not run it: ${error instanceof Error ? error.message : String(error)}`);
    return done();
  }
  const space = stepSpace(baseline.trace);
  result.faultFree = {
    status: baseline.status,
    ...(baseline.output !== undefined ? { output: baseline.output } : {}),
    ...(baseline.errorOutput !== undefined ? { error: baseline.errorOutput } : {}),
    steps: space.inOrder,
  };
  if (baseline.error) {
    fail(baseline.error);
    count(result, baseline);
    return done(space);
  }
  const stuck = stepThatNeverEnds(baseline);
  if (stuck) {
    fail(stuck);
    count(result, baseline);
    return done(space);
  }
  const waited = new Set(
    baseline.trace.flatMap((e) => (e.type === "event.wait" || e.type === "event.deliver" ? [e.eventType] : [])),
  );
  for (const event of input.events)
    if (!waited.has(event.type))
      fail(
        `the input sends an event of type "${event.type}" (at ${event.atMs} ms) that no waitForEvent waits for (the run waits for: ${[...waited].join(", ") || "no event"}); fix the event's type in the input`,
      );
  const baselineRuns = callbackRuns(baseline);

  /**
   * Runs and judges one schedule (or judges `given`, its run from before or from the pool). `record`: keep its new findings (a random schedule's are kept only once it is
   * shrunk, so the schedule reported is the minimal one). Failed: it shows a finding not known before `known`.
   */
  const judge = async (
    schedule: Schedule,
    options: { given?: Ran; record?: boolean; known?: { has(key: string): boolean } } = {},
  ): Promise<{ failed: boolean }> => {
    const { record = true, known = findings } = options;
    const answer = options.given ?? (await runHere(setup, schedule));
    if ("thrown" in answer) {
      fail(`schedule ${schedulePath(schedule, space)} could not run: ${answer.thrown.slice(0, 300)}`, schedule);
      return { failed: true };
    }
    const run = answer.run;
    count(result, run);
    const ran = result.exercised.schedules;
    // The plan: the fault-free run, the systematic schedules, the random ones (shrinking may add a few).
    const total = Math.max(ran, request.replay ? 1 : 1 + systematicSchedules(space).length + request.randomRuns);
    request.onProgress?.({ workflow: workflow.name, input: input.name, done: ran, total });
    const raw: RawFinding[] = run.error
      ? [{ kind: "error", message: `${workflow.name} × ${input.name}: ${run.error}` }]
      : [];
    const lifetimes = lifetimesOf(run.notes);
    raw.push(...rightCode(run, lifetimes, ctx), ...durability(run.trace), ...replaySafety(lifetimes));
    if (!run.error && schedule.faults.length > 0) raw.push(...sameResult(run, baseline));
    rows.push(...atLeastOnceRows(run, lifetimes, baselineRuns, scheduleText(schedule)));
    let fresh = false;
    for (const { key: same, ...finding } of raw) {
      const key = `${finding.kind} ${same ?? finding.message}`;
      if (known.has(key) || findings.has(key)) continue;
      fresh = true;
      if (record)
        findings.set(key, {
          ...finding,
          schedule,
          scheduleText: scheduleText(schedule),
          replayCommand: replayCommand(schedule, space),
        });
    }
    return { failed: fresh };
  };

  if (request.replay) {
    const schedule = scheduleAtPath(request.replay.path, space);
    if (typeof schedule === "string") fail(schedule);
    else await judge(schedule);
    return done(space);
  }
  await judge(baseline.schedule, { given: { run: baseline } });
  const systematic = systematicSchedules(space);
  const ranAhead = pool ? await pool.runAll(setup, systematic) : [];
  for (const [i, schedule] of systematic.entries()) await judge(schedule, { given: ranAhead[i] });
  for (const kind of FAULT_KINDS) {
    const total = systematic.filter((s) => s.faults[0].kind === kind).length;
    result.coverage.push({ kind, tried: total, total });
  }
  const known = new Set(findings.keys());
  const drawnAhead = new Map<string, Ran>();
  if (pool) {
    const drawn = await randomSchedules(space, request.seed, request.randomRuns);
    const ran = await pool.runAll(setup, drawn);
    for (const [i, schedule] of drawn.entries()) drawnAhead.set(scheduleKey(schedule), ran[i]);
  }
  // A schedule not run ahead (a shrinking step) runs here.
  // Each shrunk failing schedule is judged again to record its findings, which the search then counts as known.
  const random = await exploreRandomly(
    space,
    request.seed,
    request.randomRuns,
    (schedule) => judge(schedule, { record: false, known, given: drawnAhead.get(scheduleKey(schedule)) }),
    async (failing) => {
      await judge(failing, { given: drawnAhead.get(scheduleKey(failing)) });
    },
  );
  result.random = { runs: random.runs, seed: request.seed };
  result.coverage.push({ kind: "combined", tried: random.runs, total: request.randomRuns });
  return done(space);
}

async function runHere(setup: CaseSetup, schedule: Schedule): Promise<Ran> {
  try {
    return { run: await runSchedule(setup, schedule) };
  } catch (error) {
    return { thrown: String(error) };
  }
}

function scheduleKey(schedule: Schedule): string {
  return JSON.stringify([schedule.origin, schedule.faults]);
}

function count(result: ExploreCaseResult, run: ScheduleRun): void {
  const e = result.exercised;
  e.schedules++;
  if (run.instance) e.instances++;
  e.lifetimes += run.trace.filter((t) => t.type === "run.start").length;
  e.stepAttempts += run.trace.filter((t) => t.type === "step.attempt").length;
  e.faultsInjected += run.schedule.faults.length;
  e.faultsEffective += run.faultsLanded;
}

/** A step whose every attempt ran until its timeout and so ended the run: a loop that never ends inside it. */
function stepThatNeverEnds(run: ScheduleRun): string | undefined {
  if (run.status !== "errored") return undefined;
  const failures = run.trace.flatMap((e) => (e.type === "step.failure" ? [e] : []));
  const last = failures.at(-1);
  if (!last || last.willRetry || !/timed out/i.test(last.error)) return undefined;
  const attempts = failures.filter((e) => e.step === last.step && e.count === last.count);
  if (!attempts.every((e) => /timed out/i.test(e.error))) return undefined;
  return `step do ${last.step}#${last.count} never finishes: each of its ${attempts.length} attempts ran until the step timeout (${last.error}), which ended the run; a loop inside the step that never ends? Make it end, or wait with step.sleep between polls`;
}

function quote(text: string): string {
  return /^[\w.@:/-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
