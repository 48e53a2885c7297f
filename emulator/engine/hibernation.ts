/**
 * WF-08: a lifetime's sleeps, retry waits and event waits, and hibernation: production ends a lifetime that is only
 * waiting and replays `run()` when the earliest wait is due. Separate from the lifetime's run (run-lifetime.ts): this
 * is how one stops, with the status it shows meanwhile (WF-53) and the timer that wakes it (instance-waking.ts).
 */
import { mutated } from "../mutations.ts";
import { never } from "../runtime/never.ts";
import { type Execution, PAUSE_ABORT_MESSAGE, type PendingWait } from "./execution.ts";
import { wake } from "./instance-waking.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { setStatus } from "./status-change.ts";

/** Blocks until `wait.until` (a sleep or a retry wait); may hibernate the execution. */
export function waitFor(engine: LifecycleEngine, exec: Execution, wait: PendingWait): Promise<void> {
  if (!exec.alive) return never();
  // Local engine: a sleep or retry wait started after the pause took effect is aborted at once.
  if (exec.pausedWhileRunning) return Promise.reject(new Error(PAUSE_ABORT_MESSAGE));
  // Already due (a replay after the deadline): go on at once. Hibernating here would wake at once, replay, and
  // hibernate again, forever at the same instant.
  if (wait.until <= engine.host.clock.now()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    exec.waits.add(wait);
    const timer = exec.own(
      engine.host.clock.at(wait.until, () => {
        exec.waits.delete(wait);
        resolve();
      }),
    );
    wait.interrupt = (error) => {
      timer.cancel();
      exec.waits.delete(wait);
      reject(error);
    };
    considerHibernation(engine, exec);
  });
}

/**
 * WF-08: production hibernates an instance that is only waiting and replays `run()` when it wakes. Checked after
 * the current burst of work settles, so parallel waits (Promise.all of sleeps) are all registered first.
 */
export function considerHibernation(engine: LifecycleEngine, exec: Execution): void {
  if (!engine.host.profile.hibernatesOnWait) return;
  setImmediate(() => {
    if (!exec.alive || exec.inflightSteps > 0 || exec.waits.size === 0) return;
    if (engine.memory.executions.get(exec.record.id) !== exec) return;
    // A wait that is due now is about to end: hibernating would only replay at once.
    const now = engine.host.clock.now();
    for (const wait of exec.waits) if (wait.until <= now) return;
    hibernate(engine, exec);
  });
}

function hibernate(engine: LifecycleEngine, exec: Execution): void {
  const record = exec.record;
  let wakeAt = Infinity;
  let timed = false;
  for (const wait of exec.waits) {
    wakeAt = Math.min(wakeAt, wait.until);
    if (wait.category !== "event" && !(wait.category === "sleep" && mutated("runningWhileSleeping"))) timed = true;
  }
  exec.kill();
  engine.memory.executions.delete(record.id);
  engine.host.admission.slotFreed(); // WF-53: a waiting instance does not count toward concurrency
  engine.host.trace.record({ type: "hibernate", instance: record.id, generation: exec.generation, wakeAt });
  // WF-53: production reports `waiting` during sleeps and retry waits; an event wait stays `running` (WF-69).
  // WF-43: a rollback waiting to retry stays `running`.
  if (timed && engine.host.profile.reportsWaiting && !record.rollback) setStatus(engine, record, "waiting");
  engine.memory.wakeTimers.set(
    record.id,
    engine.host.clock.at(wakeAt, () => wake(engine, record)),
  );
  engine.host.onQuiet();
}
