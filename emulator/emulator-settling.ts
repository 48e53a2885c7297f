/**
 * Time and settling: how the emulator lets worker code run until it is quiet (`settle`), and moves virtual time from
 * timer to timer until every instance is terminal or blocked (`runUntil`, behind `runUntilIdle` and `time.advance`).
 * Separate from the Emulator class because the determinism of every run (trace hashes, fuzz replays) rests on these
 * loops taking the same microtask turns: they are the one place that decides when time moves.
 */
import { drainMicrotasks, type Clock } from "./clock.ts";
import type { WorkflowEngine } from "./engine/workflow-engine.ts";
import type { RunUntilIdleOptions } from "./emulator-options.ts";
import type { WorkerLoader } from "./loader/worker-loader.ts";
import { rpcActivity } from "./runtime/invoke.ts";
import type { Trace } from "./trace.ts";

/**
 * How many rounds `settle()` lets promise chains run before it gives up. Work that ends is quiet within a few rounds
 * (two at most, over 800 fuzz scenarios); code that never stops reaches this bound in about a second.
 */
const SETTLE_ROUNDS = 10_000;
const TEN_YEARS_MS = 10 * 365 * 86_400_000;

/** What settling and running until idle look at. */
export interface SettlingScope {
  readonly ready: Promise<URL>;
  readonly clock: Clock;
  readonly trace: Trace;
  readonly engines: ReadonlyMap<string, WorkflowEngine>;
  readonly loaders: ReadonlyMap<string, WorkerLoader>;
}

/**
 * Lets every promise chain run until nothing more happens without time passing: a round drains the microtask queue
 * twice and counts trace events and calls across realms; a round in which neither moved is quiet. Code that keeps
 * them moving forever would never let virtual time advance, so after SETTLE_ROUNDS rounds this throws.
 */
export async function settle(trace: Trace, engines: ReadonlyMap<string, WorkflowEngine>): Promise<void> {
  let events = 0;
  let calls = 0;
  for (let rounds = 0; rounds < SETTLE_ROUNDS; rounds++) {
    events = trace.activity;
    calls = rpcActivity.calls;
    await drainMicrotasks();
    await drainMicrotasks();
    events = trace.activity - events;
    calls = rpcActivity.calls - calls;
    if (events + calls === 0) return;
  }
  const busy = busyInstances(engines);
  throw new Error(
    `The emulator could not settle: after ${SETTLE_ROUNDS} rounds of letting promise chains run, work was still going on ` +
      `without time passing (in the last round: ${events} trace events, ${calls} calls across realms). Some worker ` +
      "code never stops scheduling work, e.g. a loop that calls a step or a binding again as soon as the previous " +
      "call settles: make it wait (step.sleep, a timer) or end. " +
      `Busy instances: ${busy.length > 0 ? busy.join(", ") : "none"}.`,
  );
}

/**
 * Settles, then moves time to the next timer, until `condition()` is true (checked whenever the emulator is quiet,
 * before time moves on) or nothing is scheduled. Returns true if the condition was met, false if everything became
 * idle first.
 */
export async function runUntil(
  scope: SettlingScope,
  condition: () => boolean,
  options: RunUntilIdleOptions,
): Promise<boolean> {
  const { clock, engines } = scope;
  await scope.ready;
  const limit = options.maxAdvanceMs ?? TEN_YEARS_MS;
  const start = clock.now();
  for (;;) {
    await settle(scope.trace, engines);
    for (const loader of scope.loaders.values()) loader.sweepIdle();
    if (condition()) return true;
    const busy = [...engines.values()].some((engine) => engine.hasScheduledWork(options.fireTimeouts));
    if (!busy) return false;
    if (clock.mode === "real") {
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    const next = clock.nextTimerAt();
    if (next === undefined) return false; // only waiting on something outside the emulator
    if (next - start > limit) {
      throw new Error(
        `runUntilIdle: instances were still busy after ${limit} ms of virtual time (a workflow that never ends?). Busy: ${busyInstances(engines).join(", ")}`,
      );
    }
    await clock.fireNext();
  }
}

/** Instances still running, waiting or queued, as `workflow/id (status)`, for the errors above. */
function busyInstances(engines: ReadonlyMap<string, WorkflowEngine>): string[] {
  const busy: string[] = [];
  for (const engine of engines.values()) {
    for (const id of engine.instanceIds()) {
      const status = engine.status(id).status;
      if (status === "running" || status === "waiting" || status === "queued")
        busy.push(`${engine.name}/${id} (${status})`);
    }
  }
  return busy;
}
