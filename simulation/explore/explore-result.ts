/**
 * What `dwc explore` produces (issue #16): per tenant workflow × input, the fault schedules tried, what the oracles
 * found, and the at-least-once table. The engine (simulation/explore/) fills it; the reports (cli/reports/explore-*)
 * render and merge it. Plain JSON data — it is written to `explore-results.json` and merged across `--shard`s.
 *
 * Fields may be added; none removed or renamed without updating both sides.
 */

import type { SubjectDescription } from "../../contract/subject.ts";
import type { TenantBundle } from "../../contract/tenant-registry.ts";

/** One input a workflow is explored with (from dwc.config.json's `explore` section). */
export interface ExploreInput {
  name: string;
  /** The params `create()` is called with. */
  params: unknown;
  /** Events sent to the instance, each at a virtual time after creation. */
  events: { type: string; payload: unknown; atMs: number }[];
  /** How long (virtual ms) a run may take before it counts as "never settles"; default set by the engine. */
  runForMs?: number;
}

/** One tenant workflow to explore: the tenant's own code, as the dispatcher will load it. */
export interface ExploreWorkflow {
  /** A name for reports, e.g. "billing-retries". */
  name: string;
  /** The tenant id the instances are created for (the metadata the dispatcher routes on). */
  tenant: string;
  /** The tenant's code, deployed where the subject's dispatcher reads it (adapter.deploy). */
  code: TenantBundle;
  /** The exported WorkflowEntrypoint class in `code`. */
  className: string;
  inputs: ExploreInput[];
}

/** What the CLI hands the engine (`explore(request)` in simulation/explore/explore.ts). */
export interface ExploreRequest {
  /** The user's dispatcher as the subject (wrangler topology + adapter); absent: the reference dispatcher. */
  subject?: SubjectDescription;
  workflows: ExploreWorkflow[];
  profile: "production" | "local";
  seed: number;
  /** Random schedules per workflow × input, after the systematic ones. */
  randomRuns: number;
  /** Replay one schedule: the workflow, the input and the path printed in a finding's replay command. */
  replay?: { workflow: string; input: string; path: string };
  /** Run this many schedules twice and compare trace hashes (0 / absent: no determinism check). */
  checkDeterminism?: number;
  /**
   * Worker threads that run a case's schedules side by side (schedule-pool.ts); absent or 1: all in this thread. The
   * findings do not depend on it.
   */
  workers?: number;
  /** Run only this shard of the workflow × input cases. */
  shard?: { index: number; count: number };
  /** The command prefix a replay line starts with (what the user typed up to the flags). */
  replayPrefix: string;
  /** Progress, called after each schedule (the CLI draws a progress line from it). */
  onProgress?: (p: { workflow: string; input: string; done: number; total: number }) => void;
}

/** One fault placed in a run, against the fault-free run's step sequence. */
export interface ScheduledFault {
  /**
   * - `crash-before-commit` / `crash-after-commit`: the process dies around a step's commit (the engine's crash points)
   * - `evict-after-step`: the isolate is evicted after the step committed (the next step runs in a fresh load)
   * - `hibernate-at-wait`: the instance hibernates at a sleep / waitForEvent (woken later through the dispatcher)
   * - `redeploy-at-wait`: as the instance starts a sleep / waitForEvent, the tenant deploys a new version of its code
   *   (the same code under a new codeVersion): a pinned platform must keep loading the creation version, one that
   *   loads the latest must load the new one from then on (the code-version policy, adapter.codeVersion)
   */
  kind: "crash-before-commit" | "crash-after-commit" | "evict-after-step" | "hibernate-at-wait" | "redeploy-at-wait";
  /** The step (or wait) it targets, as `<kind> <name>#<occurrence>` of the fault-free sequence, e.g. `do charge#1`. */
  step: string;
  /** Which attempt of that step (1 = the first); default 1. */
  attempt?: number;
}

export interface Schedule {
  /** `systematic` (enumerated) or `random` (fast-check), or `fault-free` (the baseline run). */
  origin: "fault-free" | "systematic" | "random";
  faults: ScheduledFault[];
}

export type ExploreFindingKind =
  /** a run() lifetime or step attempt ran in an isolate loaded with code not deployed for the creator / wrong version */
  | "wrong-code"
  /** a step committed twice in one restart epoch, or ran after its commit */
  | "durability"
  /** a lifetime did not replay the recorded step sequence (kind, name, occurrence) before going on */
  | "replay-unsafe"
  /** final status / output under faults differs from the fault-free run */
  | "different-result"
  /** the workflow or input could not be explored (class not exported, parse error, never settles, …) */
  | "error";

export interface ExploreFinding {
  kind: ExploreFindingKind;
  /** One line: what went wrong, in the workflow's own terms. */
  message: string;
  /** The schedule that exposed it (1-minimal after shrinking). */
  schedule: Schedule;
  /** The schedule as a reader sees it, e.g. "crash after commit of do charge#1, then evict after do email#1". */
  scheduleText: string;
  /** The one-line command that replays exactly this run. */
  replayCommand: string;
  /** replay-unsafe: the two step sequences that differ (recorded, then replayed) and the likely cause. */
  sequences?: { recorded: string[]; replayed: string[] };
  likelyCause?: string;
  /** different-result: the fault-free value and the faulted one. */
  expected?: unknown;
  actual?: unknown;
}

/** A step callback that ran more than once under some fault: a side effect that needs an idempotency key. */
export interface AtLeastOnceRow {
  step: string;
  /** How many times its callback ran in that run (≥ 2). */
  runs: number;
  /** The fault that made it run again, rendered like `scheduleText`. */
  fault: string;
}

/** What was exercised: a case that exercised nothing is a failure (no false greens). */
export interface ExploreExercised {
  schedules: number;
  instances: number;
  lifetimes: number;
  stepAttempts: number;
  faultsInjected: number;
  /** faults that took effect (a crash that landed, an eviction that forced a reload) */
  faultsEffective: number;
}

export interface ExploreCaseResult {
  workflow: string;
  input: string;
  /** The tenant whose code and metadata the instances were created with. */
  tenant: string;
  verdict: "passed" | "failed" | "error";
  faultFree: { status: string; output?: unknown; error?: unknown; steps: string[] };
  /** The systematic coverage per fault kind: tried / total, e.g. crash points × steps 36/36. */
  coverage: { kind: ScheduledFault["kind"] | "combined"; tried: number; total: number }[];
  random: { runs: number; seed: number };
  findings: ExploreFinding[];
  atLeastOnce: AtLeastOnceRow[];
  exercised: ExploreExercised;
  durationMs: number;
}

export interface ExploreResult {
  /** Schema version of this file. */
  version: 1;
  seed: number;
  /** Set when this is one shard of a split run; absent after a merge of every shard. */
  shard?: { index: number; count: number };
  profile: "production" | "local";
  cases: ExploreCaseResult[];
  /** `--check-determinism`: schedules run twice, and each difference (trace hashes) found. */
  determinism?: { schedules: number; differences: { workflow: string; input: string; schedule: string }[] };
  /** Why this run tested nothing of some kind; a non-empty list fails the run. */
  vacuity: string[];
  durationMs: number;
  /** The command the user typed (for replay lines and the report header). */
  command: string;
}
