/**
 * Canned ExploreResults for the CLI and report tests: what the engine could return for the fixture config
 * (test/fixtures/explore/dwc.config.json) — a pass with an at-least-once row, a replay-unsafe finding, a result
 * difference, and an empty (vacuous) run. Hand-written: these tests check the rendering, not the engine.
 */
import type {
  ExploreCaseResult,
  ExploreFinding,
  ExploreRequest,
  ExploreResult,
} from "../../../simulation/explore/explore-result.ts";

const exercised = (schedules: number) => ({
  schedules,
  instances: schedules,
  lifetimes: schedules * 2,
  stepAttempts: schedules * 4,
  faultsInjected: schedules - 1,
  faultsEffective: schedules - 1,
});

export function passedCase(workflow = "greeting", input = "quick-reply"): ExploreCaseResult {
  return {
    workflow,
    input,
    tenant: "acme",
    verdict: "passed",
    faultFree: {
      status: "complete",
      output: "hello ada / hi",
      steps: ["do greet#1", "sleep pause#1", "waitForEvent reply#1", "do answer#1"],
    },
    coverage: [
      { kind: "crash-before-commit", tried: 2, total: 2 },
      { kind: "crash-after-commit", tried: 2, total: 2 },
      { kind: "evict-after-step", tried: 2, total: 2 },
      { kind: "hibernate-at-wait", tried: 2, total: 2 },
    ],
    random: { runs: 5, seed: 7 },
    findings: [],
    atLeastOnce: [{ step: "do greet#1", runs: 2, fault: "crash before commit of do greet#1" }],
    exercised: exercised(14),
    durationMs: 120,
  };
}

export const replayUnsafe: ExploreFinding = {
  kind: "replay-unsafe",
  message: 'the second lifetime ran "do add 1733#1" where the first ran "do add 1732#1"',
  schedule: { origin: "systematic", faults: [{ kind: "evict-after-step", step: "do add 0#1" }] },
  scheduleText: "evict after do add 0#1",
  replayCommand:
    "npm start -- explore --config test/fixtures/explore/dwc.config.json --seed 7 --workflow counter --input three --path 3",
  sequences: { recorded: ["do add 0#1", "do add 1732#1"], replayed: ["do add 0#1", "do add 1733#1"] },
  likelyCause: "a step name built from the time (Date.now()): name steps from their input, not the clock",
};

export const differentResult: ExploreFinding = {
  kind: "different-result",
  message: "the output under faults differs from the fault-free run's",
  schedule: {
    origin: "random",
    faults: [
      { kind: "crash-after-commit", step: "do add 0#1" },
      { kind: "evict-after-step", step: "do add 1#1" },
    ],
  },
  scheduleText: "crash after commit of do add 0#1, then evict after do add 1#1",
  replayCommand:
    "npm start -- explore --config test/fixtures/explore/dwc.config.json --seed 7 --workflow counter --input three --path 12:0:1",
  expected: { total: 3, items: ["a", "b"] },
  actual: { total: 4, items: ["a", "b", "<b>"] },
};

export function failedCase(): ExploreCaseResult {
  return {
    ...passedCase("counter", "three"),
    tenant: "globex",
    verdict: "failed",
    faultFree: { status: "complete", output: 3, steps: ["do add 0#1", "do add 1#1", "do add 2#1"] },
    findings: [replayUnsafe, differentResult],
    atLeastOnce: [],
  };
}

export function cannedResult(request: ExploreRequest, cases: ExploreCaseResult[]): ExploreResult {
  return {
    version: 1,
    seed: request.seed,
    profile: request.profile,
    cases,
    vacuity: [],
    durationMs: 321,
    command: request.replayPrefix,
  };
}

/** An engine that records the request and answers with `cases` (progress reported once per case). */
export function cannedEngine(
  cases: (request: ExploreRequest) => ExploreCaseResult[],
  extra: Partial<ExploreResult> = {},
) {
  const requests: ExploreRequest[] = [];
  const explore = async (request: ExploreRequest): Promise<ExploreResult> => {
    requests.push(request);
    for (const w of request.workflows)
      for (const i of w.inputs) request.onProgress?.({ workflow: w.name, input: i.name, done: 1, total: 1 });
    return { ...cannedResult(request, cases(request)), ...extra };
  };
  return { explore, requests };
}
