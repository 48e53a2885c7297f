/**
 * The step API handed to `run(event, step)` (spec A1–A3): `step.do` (its phases are in step-do.ts), `step.sleep`,
 * `step.sleepUntil` and `step.waitForEvent`.
 *
 * Every step result is cached durably under (kind, name, occurrence) and returned without running again on replay.
 * A killed execution never commits: each await is followed by an `exec.alive` check, and `invoke` never settles
 * calls made for a dead execution.
 */
import { mutated } from "../mutations.ts";
import { types } from "node:util";
import { parseDuration } from "../lib/duration.ts";
import { WorkflowFatalError, WorkflowTimeoutError } from "../lib/errors.ts";
import { validateEventType, validateStepName } from "../lib/validators.ts";
import { never } from "../runtime/never.ts";
import type { EngineHost } from "./engine-host.ts";
import { storedStepError, toError } from "./error-shape.ts";
import { PAUSE_ABORT_MESSAGE, type Execution, type PendingWait } from "./execution.ts";
import type { DeliveredEvent, EventWaitRecord, SleepRecord } from "./instance-record.ts";
import type { StepOperations } from "./step-context.ts";
import { DoStep } from "./step-do.ts";
import type { StepEngine } from "./step-engine.ts";
import { stepEvent } from "./instance-events.ts";

const DAY_MS = 86_400_000;
const MAX_WAIT_MS = 365 * DAY_MS; // WF-50, WF-62

export class StepOperationsImpl implements StepOperations {
  private readonly doStep: DoStep;

  constructor(private readonly engine: StepEngine) {
    this.doStep = new DoStep(engine);
  }

  private get host(): EngineHost {
    return this.engine.host;
  }

  do(
    exec: Execution,
    rawName: unknown,
    configOrCallback: unknown,
    maybeCallback: unknown,
    maybeRollback?: unknown,
  ): Promise<unknown> {
    return this.doStep.run(exec, rawName, configOrCallback, maybeCallback, maybeRollback);
  }

  async sleep(exec: Execution, rawName: unknown, duration: unknown): Promise<void> {
    if (exec.phase === "replay") return; // LE-09: a replay for rollbacks does not wait
    const name = validateStepName(rawName);
    const ms = parseDuration(duration, `sleep "${name}"`);
    this.checkWaitLimit(ms, `sleep "${name}"`);
    return this.sleepFor(exec, name, ms, () => this.host.clock.now() + ms);
  }

  async sleepUntil(exec: Execution, rawName: unknown, timestamp: unknown): Promise<void> {
    if (exec.phase === "replay") return; // LE-09
    const name = validateStepName(rawName);
    const until = types.isDate(timestamp) ? (timestamp as Date).getTime() : timestamp;
    if (typeof until !== "number" || !Number.isFinite(until)) {
      throw new WorkflowFatalError(
        `sleepUntil "${name}" needs a Date or a number of epoch milliseconds, got ${String(timestamp)}`,
      );
    }
    const now = this.host.clock.now();
    // WF-54 / §E.10: the local engine checks on every pass, so even a finished sleepUntil throws when replayed late.
    if (this.host.profile.sleepUntilPastThrows && until < now) {
      throw new Error("You can't sleep until a time in the past, time-traveler");
    }
    this.checkWaitLimit(until - now, `sleepUntil "${name}"`);
    return this.sleepFor(exec, name, until - now, () => until);
  }

  private async sleepFor(exec: Execution, name: string, ms: number, until: () => number): Promise<void> {
    const { host } = this;
    const record = exec.record;
    // WF-55: the local engine keys sleeps by name AND duration; production by name and occurrence.
    const counterKey = host.profile.sleepKeyIncludesDuration ? `sleep\u0000${name}${ms}` : `sleep\u0000${name}`;
    const count = exec.nextOccurrence(counterKey);
    const key = `${counterKey}\u0000${count}`;
    let sleep = record.steps.get(key) as SleepRecord | undefined;
    if (sleep?.done) return;
    if (sleep && mutated("replayedSleepRestarts")) sleep.until = until();
    // A test disabled this sleep (cloudflare:test disableSleeps): it ends now, also when it had begun before. The
    // test names it by name and occurrence of that name, as the plugin does, whatever the profile's cache key.
    const index = host.profile.sleepKeyIncludesDuration ? exec.nextOccurrence(`sleepName\u0000${name}`) : count;
    const disabled = this.engine.interceptor?.sleepDisabled(record.id, name, index) ?? false;
    if (sleep && disabled) sleep.until = Math.min(sleep.until, host.clock.now());
    if (!sleep) {
      sleep = { kind: "sleep", name, count, until: disabled ? host.clock.now() : until(), done: false };
      record.steps.set(key, sleep);
      record.stepOrder.push(key);
      host.trace.record({ type: "sleep.start", instance: record.id, step: name, count, until: sleep.until });
      stepEvent(this.engine, exec, "sleep_started", { stepName: name, durationMs: sleep.until - host.clock.now() });
    }
    if (host.crashPoint("duringSleep", { instance: record.id, step: name })) return never();
    // Local engine: a sleep that starts after the pause took effect races an already aborted signal.
    if (exec.pausedWhileRunning) throw new Error(PAUSE_ABORT_MESSAGE);
    if (sleep.until > host.clock.now()) {
      await this.engine.wait(exec, { category: "sleep", until: sleep.until });
      if (!exec.alive) return never();
    }
    sleep.done = true;
    host.trace.record({ type: "sleep.end", instance: record.id, step: name, count });
    stepEvent(this.engine, exec, "sleep_completed", { stepName: name });
  }

  async waitForEvent(exec: Execution, rawName: unknown, options: unknown): Promise<unknown> {
    const { host } = this;
    const name = validateStepName(rawName);
    if (typeof options !== "object" || options === null || typeof (options as { type?: unknown }).type !== "string") {
      throw new WorkflowFatalError(`waitForEvent "${name}" needs options { type: string, timeout? }`);
    }
    const { type, timeout } = options as { type: string; timeout?: unknown };
    if (host.profile.enforceLimits) validateEventType(type);
    // WF-62: a falsy timeout means the 24-hour default.
    const defaultMs = mutated("eventTimeoutDefaultOneHour") ? DAY_MS / 24 : host.profile.defaultEventTimeoutMs;
    const timeoutMs =
      timeout && !mutated("explicitEventTimeoutIgnored")
        ? parseDuration(timeout, `the timeout of waitForEvent "${name}"`)
        : defaultMs;
    if (host.profile.enforceLimits && (timeoutMs < 1_000 || timeoutMs > MAX_WAIT_MS)) {
      throw new WorkflowFatalError(
        `The timeout of waitForEvent "${name}" must be between 1 second and 365 days, got ${timeoutMs} ms`,
      );
    }
    const record = exec.record;
    const count = exec.nextOccurrence(`waitForEvent\u0000${name}`);
    const key = `waitForEvent\u0000${name}\u0000${count}`;
    let wait = record.steps.get(key) as EventWaitRecord | undefined;
    // LE-09: a replay for rollbacks gets a delivered event back, else undefined at once (a timeout is not thrown).
    if (exec.phase === "replay") return wait?.outcome?.ok ? eventValue(wait.outcome.event) : undefined;
    if (exec.phase === "rollback") throw new WorkflowFatalError("Cannot execute steps during rollback phase");
    if (wait?.outcome) {
      host.trace.record({ type: "step.cached", instance: record.id, step: name, count });
      if (wait.outcome.ok) return eventValue(wait.outcome.event);
      throw toError(wait.outcome.error);
    }
    if (!wait) {
      wait = { kind: "waitForEvent", name, count, type, deadline: host.clock.now() + timeoutMs, outcome: null };
      record.steps.set(key, wait);
      record.stepOrder.push(key);
      host.trace.record({
        type: "event.wait",
        instance: record.id,
        step: name,
        count,
        eventType: type,
        deadline: wait.deadline,
      });
      stepEvent(this.engine, exec, "wait_started", { stepName: name, eventType: type });
    }
    const settled = wait;
    // A test forced this wait to time out (cloudflare:test forceEventTimeout): as the plugin's engine does, before
    // a buffered event is looked at.
    if (this.engine.interceptor?.eventTimeoutForced(record.id, name, count) && !exec.pausedWhileRunning) {
      const error = new WorkflowTimeoutError(timeoutMs);
      settled.outcome = {
        ok: false,
        error: storedStepError({ name: error.name, message: error.message }, host.profile),
      };
      host.trace.record({ type: "event.timeout", instance: record.id, step: name, count, eventType: type });
      stepEvent(this.engine, exec, "wait_timed_out", { stepName: name });
      throw error;
    }
    // Local engine: a wait that starts after the pause took effect races an already aborted signal (the buffered
    // event, if any, stays buffered).
    if (exec.pausedWhileRunning) throw new Error(PAUSE_ABORT_MESSAGE);
    // WF-65: an event that arrived before this wait is buffered and taken now, oldest first.
    const buffered = record.eventBuffer.get(type);
    if (buffered && buffered.length > 0) {
      const event = (mutated("buffersEventsLifo") ? buffered.pop() : buffered.shift())!;
      if (buffered.length === 0) record.eventBuffer.delete(type);
      settled.outcome = { ok: true, event };
      host.trace.record({ type: "event.deliver", instance: record.id, step: name, count, eventType: type });
      stepEvent(this.engine, exec, "wait_completed", { stepName: name });
      return eventValue(event);
    }
    if (host.crashPoint("duringWaitForEvent", { instance: record.id, step: name })) return never();
    if (!exec.alive) return never();
    return new Promise((resolve, reject) => {
      const pending: PendingWait = { category: "event", until: settled.deadline };
      exec.waits.add(pending);
      const waiter = {
        key,
        deliver: (event: DeliveredEvent) => {
          exec.waits.delete(pending);
          timer.cancel();
          settled.outcome = { ok: true, event };
          host.trace.record({ type: "event.deliver", instance: record.id, step: name, count, eventType: type });
          stepEvent(this.engine, exec, "wait_completed", { stepName: name });
          resolve(eventValue(event));
        },
      };
      const queue = exec.waiters.get(type) ?? [];
      queue.push(waiter);
      exec.waiters.set(type, queue);
      // Local engine (pause): the wait rejects with the pause error, nothing is cached, a replay waits again.
      pending.interrupt = (error) => {
        exec.waits.delete(pending);
        exec.removeWaiter(type, waiter);
        timer.cancel();
        reject(error);
      };
      const timer = exec.own(
        host.clock.at(settled.deadline, () => {
          // WF-63 / WF-67: the timeout is cached, and a timed-out waiter takes no later event.
          exec.waits.delete(pending);
          exec.removeWaiter(type, waiter);
          const error = new WorkflowTimeoutError(timeoutMs);
          settled.outcome = {
            ok: false,
            error: storedStepError({ name: error.name, message: error.message }, host.profile),
          };
          host.trace.record({ type: "event.timeout", instance: record.id, step: name, count, eventType: type });
          stepEvent(this.engine, exec, "wait_timed_out", { stepName: name });
          reject(error);
        }),
      );
      this.engine.considerHibernation(exec);
    });
  }

  private checkWaitLimit(ms: number, what: string): void {
    if (this.host.profile.enforceLimits && ms > MAX_WAIT_MS) {
      throw new WorkflowFatalError(`${what} is longer than the maximum of 365 days (${ms} ms)`);
    }
  }
}

function eventValue(event: DeliveredEvent): { type: string; payload: unknown; timestamp: Date } {
  return { type: event.type, payload: event.payload, timestamp: new Date(event.timestamp) };
}
