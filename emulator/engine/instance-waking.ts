/**
 * How an instance gets a `run()` lifetime: a start scheduled for the next microtask (create, resume, restart,
 * recovery), a wake of a hibernated instance (its timer, an event, a delayed restart), and the running-instance gate
 * both go through (WF-94, woken ones ahead of queued ones, WF-53). What the lifetime then does is run-lifetime.ts.
 */
import type { InstanceRecord } from "./instance-record.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { startExecution } from "./run-lifetime.ts";
import { isTerminal } from "./status.ts";
import { setStatus } from "./status-change.ts";

export function scheduleStart(engine: LifecycleEngine, record: InstanceRecord): void {
  const { pendingStarts } = engine.memory;
  if (pendingStarts.has(record.id)) return;
  pendingStarts.add(record.id);
  queueMicrotask(() => {
    if (!pendingStarts.delete(record.id)) return; // cancelled (crash, terminate, pause)
    admitAndStart(engine, record, false);
  });
}

export function wake(engine: LifecycleEngine, record: InstanceRecord): void {
  const { memory } = engine;
  memory.wakeTimers.get(record.id)?.cancel();
  memory.wakeTimers.delete(record.id);
  memory.delayedRestarts.delete(record.id);
  admitAndStart(engine, record, true);
}

/** WF-94: starts `run()` now, or once a running slot frees (woken instances ahead of queued ones, WF-53). */
function admitAndStart(engine: LifecycleEngine, record: InstanceRecord, woken: boolean): void {
  const { executions } = engine.memory;
  const start = (): boolean => {
    if (isTerminal(record.status) || record.status === "paused" || executions.has(record.id)) return false;
    if (engine.store.get(record.id) !== record) return false;
    void startExecution(engine, record);
    return true;
  };
  if (engine.host.admission.admit(engine, record.id, woken, start)) start();
  // WF-53 / WF-94: an instance restarted after a crash that must wait for a slot holds none: production shows it
  // `waiting` (as a woken one), not the `running` its record kept from before the crash.
  else if (record.status === "running" && !executions.has(record.id) && engine.host.profile.reportsWaiting)
    setStatus(engine, record, "waiting");
}
