/**
 * What the emulator asks an engine before it moves time (`runUntil`, `runUntilIdle`): will something happen without
 * outside help? Read-only over the engine's memory and records; separate because it is the emulator's question, not
 * part of any instance's lifecycle.
 */
import type { LifecycleEngine } from "./lifecycle-engine.ts";

/**
 * True while something will happen without outside help: a start, a running step, a sleep or retry to wake; with
 * `eventTimeouts`, also an event wait whose timeout will fire (only if time is moved to it).
 */
export function hasScheduledWork(engine: LifecycleEngine, eventTimeouts: boolean): boolean {
  const { pendingStarts, wakeTimers, executions } = engine.memory;
  if (engine.host.admission.canStartWaiting()) return true;
  if (pendingStarts.size > 0 || wakeTimers.size > 0) {
    if (eventTimeouts && wakeTimers.size > 0) return true;
    for (const id of wakeTimers.keys()) if (wakeReasonIsTimer(engine, id)) return true;
    if (pendingStarts.size > 0) return true;
  }
  for (const exec of executions.values()) {
    if (exec.inflightSteps > 0) return true;
    for (const wait of exec.waits) if (eventTimeouts || wait.category !== "event") return true;
  }
  return false;
}

/** True if the wake timer of a hibernated instance is for a sleep or retry (not only an event timeout). */
function wakeReasonIsTimer(engine: LifecycleEngine, id: string): boolean {
  if (engine.memory.delayedRestarts.has(id)) return true;
  const record = engine.store.get(id);
  if (!record) return false;
  for (const step of record.steps.values()) {
    if (step.kind === "sleep" && !step.done) return true;
    if (step.kind === "do" && step.retryAt !== null) return true;
    if (step.kind === "do" && step.rollback && step.rollback.retryAt !== null) return true;
  }
  return false;
}
