/**
 * The instance lifecycle controls a binding's handle offers (WF-80..WF-83, WF-64..WF-68): pause, resume, terminate
 * (with or without rollbacks), restart and sendEvent. Each changes the durable record, stops what the instance had in
 * memory where it must, and schedules the next lifetime; none awaits anything.
 */
import { WorkflowError } from "../lib/errors.ts";
import { validateEventType } from "../lib/validators.ts";
import type { InstanceRecord } from "./instance-record.ts";
import { scheduleStart, wake } from "./instance-waking.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { pendingRollbacks } from "./rollback-chain.ts";
import { isTerminal } from "./status.ts";
import { setStatus } from "./status-change.ts";

export interface RestartOptions {
  from?: { name: string; count?: number; type?: "do" | "sleep" | "waitForEvent" };
}

/** WF-80: running steps finish first (waitingForPause), then paused; sleeps and event waits stop at once. */
export function pause(engine: LifecycleEngine, id: string): void {
  const record = engine.assertExists(id);
  if (isTerminal(record.status) || record.status === "paused" || record.status === "waitingForPause") return;
  const exec = engine.memory.executions.get(id);
  if (exec && exec.inflightSteps > 0) {
    record.pauseRequested = true;
    setStatus(engine, record, "waitingForPause");
    return;
  }
  enterPaused(engine, record);
}

/** WF-81: replays `run()`; remaining sleep, retry and event-timeout time is kept (shifted by the paused time). */
export function resume(engine: LifecycleEngine, id: string): void {
  const record = engine.assertExists(id);
  if (record.status === "waitingForPause") {
    record.pauseRequested = false;
    setStatus(engine, record, "running");
    engine.memory.executions.get(id)?.releasePauseHold();
    return;
  }
  if (record.status !== "paused") return;
  // Local profile: the lifetime that was paused may still be running (it has not yet ended with the pause error,
  // or it caught it). It is stopped and run() replayed. (The local engine would let a run() that caught the error
  // go on, un-paused, and start no replay: `init` returns while `isRunning`; a race the emulator does not copy.)
  engine.memory.stop(id);
  const pausedFor = engine.host.clock.now() - (record.pausedAt ?? engine.host.clock.now());
  for (const step of record.steps.values()) {
    if (step.kind === "sleep" && !step.done) step.until += pausedFor;
    if (step.kind === "do" && step.retryAt !== null) step.retryAt += pausedFor;
    if (step.kind === "do" && step.rollback && step.rollback.retryAt !== null) step.rollback.retryAt += pausedFor;
    if (step.kind === "waitForEvent" && !step.outcome) step.deadline += pausedFor;
  }
  record.pausedAt = null;
  setStatus(engine, record, "queued");
  scheduleStart(engine, record);
}

/**
 * WF-82. With `{ rollback: true }` (WF-43) the registered rollbacks run first, in a lifetime of their own that
 * replays `run()` for the handlers (LE-09); the instance is `running` meanwhile and `terminated` once they end.
 */
export function terminate(engine: LifecycleEngine, id: string, options?: { rollback?: boolean }): void {
  const record = engine.assertExists(id);
  if (isTerminal(record.status)) {
    throw new Error("(instance.cannot_terminate) Cannot terminate instance since its on a finite state");
  }
  engine.memory.stop(id);
  record.pauseRequested = false;
  if (options?.rollback === true && (record.rollback || pendingRollbacks(record).length > 0)) {
    record.rollback = {
      trigger: record.rollback?.trigger ?? { name: "Terminated", message: "Instance terminated during rollback" },
      endsAs: "terminated",
      instanceError: null,
    };
    record.pausedAt = null;
    setStatus(engine, record, "running");
    scheduleStart(engine, record);
    return;
  }
  record.rollback = null;
  setStatus(engine, record, "terminated");
}

/** WF-83: from scratch, or from a step on (earlier cached results are kept). */
export function restart(engine: LifecycleEngine, id: string, options: RestartOptions): void {
  const record = engine.assertExists(id);
  if (options.from) {
    const { name, count = 1, type = "do" } = options.from;
    const index = record.stepOrder.findIndex((key) => {
      const step = record.steps.get(key)!;
      return step.kind === type && step.name === name && step.count === count;
    });
    if (index < 0) throw new Error(`(instance.cannot_restart) Step "${name}" not found in execution history`);
    engine.creationRate.charge(); // WF-83: each restart counts toward the creation rate limit
    for (const key of record.stepOrder.splice(index)) record.steps.delete(key);
  } else {
    engine.creationRate.charge();
    record.steps.clear();
    record.stepOrder.length = 0;
    record.eventBuffer.clear();
  }
  engine.host.trace.record({ type: "instance.restart", workflow: engine.name, instance: id, from: options.from?.name });
  engine.memory.stop(id);
  record.output = null;
  record.error = null;
  record.rollback = null;
  record.rollbackResult = null;
  record.pausedAt = null;
  record.pauseRequested = false;
  setStatus(engine, record, "queued");
  scheduleStart(engine, record);
}

/** WF-64..WF-68: buffered durably, delivered FIFO to the first waiter of that type. */
export function sendEvent(engine: LifecycleEngine, id: string, event: { type?: unknown; payload?: unknown }): void {
  const record = engine.assertExists(id);
  const { profile, clock, trace } = engine.host;
  if (typeof event !== "object" || event === null || typeof event.type !== "string") {
    throw new WorkflowError("sendEvent needs { type: string, payload? }");
  }
  const type = profile.enforceLimits ? validateEventType(event.type) : event.type;
  const payload = engine.toStorage(event.payload, `the payload of event "${type}"`, "json");
  if (isTerminal(record.status) && profile.sendEventToTerminalThrows) {
    throw new WorkflowError(`(instance.not_running) Cannot send event "${type}": the instance is ${record.status}`);
  }
  const delivered = { type, payload, timestamp: clock.now() };
  const queue = record.eventBuffer.get(type) ?? [];
  queue.push(delivered);
  record.eventBuffer.set(type, queue);
  trace.record({ type: "event.send", instance: id, eventType: type });
  if (isTerminal(record.status)) return; // §E.13: stored and ignored locally
  const exec = engine.memory.executions.get(id);
  const waiter = exec?.takeWaiter(type);
  if (waiter) {
    queue.shift();
    if (queue.length === 0) record.eventBuffer.delete(type);
    waiter.deliver(delivered);
    return;
  }
  // LE-06: an event for an instance with no live run() starts one; the replay takes the buffered event.
  if (!exec && record.status !== "paused" && record.status !== "queued") wake(engine, record);
}

/** A pause takes effect: the lifetime is stopped (or, in the local engine, its pending step call rejects). */
export function enterPaused(engine: LifecycleEngine, record: InstanceRecord): void {
  const exec = engine.memory.executions.get(record.id);
  if (exec?.alive && engine.host.profile.pauseRejectsPendingStep) {
    // Local engine (gracePeriodSemaphore `waitUntilNothingIsRunning`, then `pauseController.abort`): paused, but
    // run() goes on; whatever step call it is blocked in rejects with the pause error (docs/profiles.md).
    record.pauseRequested = false;
    record.pausedAt = engine.host.clock.now();
    setStatus(engine, record, "paused");
    exec.rejectForPause();
    return;
  }
  engine.memory.stop(record.id);
  record.pauseRequested = false;
  record.pausedAt = engine.host.clock.now();
  setStatus(engine, record, "paused");
}
