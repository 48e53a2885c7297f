/**
 * The engine for one Workflow binding: instances, their lifecycle (WF-70..WF-83), `run()` lifetimes, hibernation,
 * and crash recovery. Durable state lives in `InstanceStore`; everything in the `memory` fields is lost on crash.
 */
import { mutated } from "../mutations.ts";
import type { TimerHandle } from "../clock.ts";
import type { AdmittedEngine } from "./admission.ts";
import { CreationRate } from "./creation-rate.ts";
import { WorkflowError } from "../lib/errors.ts";
import { validateEventType, validateInstanceId } from "../lib/validators.ts";
import { executionScope } from "../runtime/invoke.ts";
import { never } from "../runtime/never.ts";
import type { EngineHost } from "./engine-host.ts";
import { errorShape } from "./error-shape.ts";
import { Execution, PAUSE_ABORT_MESSAGE, type PendingWait } from "./execution.ts";
import { createBatchObject, type BatchCreateResult } from "./batch-create.ts";
import { assertAddressableId, deleteBatch, type BatchDeleteResult } from "./instance-deletion.ts";
import { appendStatusEvent, InstanceEventHub, InstanceSubscription, type SubscribeOptions } from "./instance-events.ts";
import { InstanceStore, newInstanceRecord, type ErrorShape, type InstanceRecord } from "./instance-record.ts";
import { expiryOf, resolveRetention } from "./retention.ts";
import { isTerminal, type InstanceStatusName } from "./status.ts";
import { statusView, type StatusView } from "./status-view.ts";
import { StepContext } from "./step-context.ts";
import type { StepInterceptor } from "./step-interceptor.ts";
import type { StepEngine } from "./step-engine.ts";
import { StepOperationsImpl } from "./step-operations.ts";
import { pendingRollbacks, RollbackChain } from "./rollback-chain.ts";
import { toStorage, type SizeMeasure } from "./storage-encoding.ts";

const MAX_BATCH = 100; // WF-75

export interface CreateOptions {
  id?: string;
  params?: unknown;
  /** WF-95: `{successRetention?, errorRetention?}`, kept to in production only. */
  retention?: unknown;
}

export interface RestartOptions {
  from?: { name: string; count?: number; type?: "do" | "sleep" | "waitForEvent" };
}

export class WorkflowEngine implements StepEngine, AdmittedEngine {
  readonly store = new InstanceStore(() => this.host.clock.now());
  /** Wakes `subscribe()` readers when an instance's event log grows (memory). */
  private readonly eventHub = new InstanceEventHub();
  private readonly ops: StepOperationsImpl;
  /** WF-94: creations per second of this workflow (virtual time; memory, like production's rate limiter). */
  private readonly creationRate: CreationRate;
  private readonly rollbackChain: RollbackChain;
  // Memory: lost on crash.
  private readonly executions = new Map<string, Execution>();
  private readonly wakeTimers = new Map<string, TimerHandle>();
  /** Instances whose wake timer is a delayed restart after a crash (`restartDelayMs`): time moves on to it. */
  private readonly delayedRestarts = new Set<string>();
  private readonly pendingStarts = new Set<string>();
  /** Set by a test's introspection (emulator/introspection/); not durable state, so a crash keeps it. */
  interceptor: StepInterceptor | null = null;

  constructor(
    readonly host: EngineHost,
    readonly name: string,
    readonly className: string,
  ) {
    this.ops = new StepOperationsImpl(this);
    this.creationRate = new CreationRate(host.clock, name, host.limits.creationsPerSecond);
    host.admission.register(this);
    this.rollbackChain = new RollbackChain(this);
  }

  // ---------------------------------------------------------------- binding operations

  /** WF-70, WF-71, WF-73, WF-04. `options` are already in host form (after the profile's encoding). */
  create(options: CreateOptions, paramsAreFresh = false, rateCharged = false): string {
    const id = options.id === undefined ? this.host.newId() : validateInstanceId(options.id);
    // WF-02 (local): params default to {} when create() has none.
    const params = this.toStorage(
      options.params === undefined ? {} : options.params,
      "Workflow params",
      "json",
      paramsAreFresh,
    );
    const retention = this.retentionOf(options);
    const existing = this.store.get(id);
    if (existing) {
      if (this.host.profile.rejectDuplicateIds)
        throw new WorkflowError("(instance.already_exists) Instance already exists");
      // §E.2: the local engine re-initialises: nothing for a terminal instance, a replay for an idle live one.
      if (!isTerminal(existing.status) && existing.status !== "paused" && !this.executions.has(id))
        this.scheduleStart(existing);
      return id;
    }
    // WF-94: over the creation rate or a full queue, production answers 429 and creates nothing.
    if (!rateCharged) this.creationRate.charge();
    this.host.admission.refuseIfQueueFull();
    const record = newInstanceRecord(id, this.name, params, this.host.clock.now());
    record.retention = retention;
    this.store.put(record);
    this.host.trace.record({ type: "instance.create", workflow: this.name, instance: id });
    this.host.trace.record({ type: "status", workflow: this.name, instance: id, from: "none", to: "queued" });
    if (this.host.profile.supportsSubscribe) appendStatusEvent(record, "queued", record.createdAt);
    this.interceptor?.instanceCreated(id);
    this.scheduleStart(record);
    return id;
  }

  /** WF-75: production skips ids in use and caps at 100; local does neither and rejects an empty batch. */
  createBatch(batch: CreateOptions[]): string[] {
    if (!Array.isArray(batch) || batch.length === 0) {
      throw new Error("WorkflowError: batchCreate should have at least 1 instance");
    }
    const { profile } = this.host;
    if (profile.batchSkipsDuplicates && batch.length > MAX_BATCH) {
      throw new WorkflowError(`createBatch accepts at most ${MAX_BATCH} instances, got ${batch.length}`);
    }
    // Validate everything first, so a bad item creates nothing (no half-created batch).
    for (const options of batch) {
      if (options.id !== undefined) validateInstanceId(options.id);
      this.toStorage(options.params ?? {}, "Workflow params", "json");
      this.retentionOf(options);
    }
    const ids: string[] = [];
    const skipped = (options: CreateOptions) =>
      profile.batchSkipsDuplicates && options.id !== undefined && this.store.get(options.id) !== undefined;
    // WF-75: each instance of a batch counts toward the creation rate; a batch over it creates nothing.
    this.creationRate.charge(batch.filter((options) => !skipped(options)).length);
    for (const options of batch) {
      if (skipped(options)) continue;
      ids.push(this.create(options, false, true));
    }
    return ids;
  }

  /** WF-75, production: `createBatch({count | instances})`; `options` are in host form. */
  createBatchObject(options: Record<string, unknown>): BatchCreateResult {
    return createBatchObject((entry) => this.create(entry), options);
  }

  /** WF-77: `instance.delete()`: the instance and its state are forgotten, its execution stopped, no rollbacks. */
  deleteInstance(id: unknown): void {
    const valid = assertAddressableId(id);
    if (!this.store.get(valid)) throw new WorkflowError(this.host.profile.deleteNotFoundMessage);
    this.forget(valid);
  }

  /** WF-77: `deleteBatch(ids)` → `{deleted, errors}`, one entry per input position. */
  deleteBatch(ids: unknown): BatchDeleteResult {
    return deleteBatch({ has: (id) => this.store.get(id) !== undefined, forget: (id) => this.forget(id) }, ids);
  }

  /** WF-84, production: a reader of the instance's event log. */
  subscribe(id: string, options: SubscribeOptions): InstanceSubscription {
    this.assertExists(id);
    return new InstanceSubscription(id, () => this.store.get(id), this.eventHub, options);
  }

  /** WF-76: a handle for an existing instance; a missing one throws. */
  assertExists(id: unknown): InstanceRecord {
    const record = typeof id === "string" ? this.store.get(id) : undefined;
    if (!record) throw new Error(this.host.profile.notFoundMessage);
    return record;
  }

  /** WF-78 / WF-79: the status view in the profile's shape. */
  status(id: string): StatusView {
    return statusView(this.assertExists(id), this.host.profile);
  }

  /** WF-80: running steps finish first (waitingForPause), then paused; sleeps and event waits stop at once. */
  pause(id: string): void {
    const record = this.assertExists(id);
    if (isTerminal(record.status) || record.status === "paused" || record.status === "waitingForPause") return;
    const exec = this.executions.get(id);
    if (exec && exec.inflightSteps > 0) {
      record.pauseRequested = true;
      this.setStatus(record, "waitingForPause");
      return;
    }
    this.enterPaused(record);
  }

  /** WF-81: replays `run()`; remaining sleep, retry and event-timeout time is kept (shifted by the paused time). */
  resume(id: string): void {
    const record = this.assertExists(id);
    if (record.status === "waitingForPause") {
      record.pauseRequested = false;
      this.setStatus(record, "running");
      this.executions.get(id)?.releasePauseHold();
      return;
    }
    if (record.status !== "paused") return;
    // Local profile: the lifetime that was paused may still be running (it has not yet ended with the pause error,
    // or it caught it). It is stopped and run() replayed. (The local engine would let a run() that caught the error
    // go on, un-paused, and start no replay: `init` returns while `isRunning`; a race the emulator does not copy.)
    this.stopMemory(id);
    const pausedFor = this.host.clock.now() - (record.pausedAt ?? this.host.clock.now());
    for (const step of record.steps.values()) {
      if (step.kind === "sleep" && !step.done) step.until += pausedFor;
      if (step.kind === "do" && step.retryAt !== null) step.retryAt += pausedFor;
      if (step.kind === "do" && step.rollback && step.rollback.retryAt !== null) step.rollback.retryAt += pausedFor;
      if (step.kind === "waitForEvent" && !step.outcome) step.deadline += pausedFor;
    }
    record.pausedAt = null;
    this.setStatus(record, "queued");
    this.scheduleStart(record);
  }

  /**
   * WF-82. With `{ rollback: true }` (WF-43) the registered rollbacks run first, in a lifetime of their own that
   * replays `run()` for the handlers (LE-09); the instance is `running` meanwhile and `terminated` once they end.
   */
  terminate(id: string, options?: { rollback?: boolean }): void {
    const record = this.assertExists(id);
    if (isTerminal(record.status)) {
      throw new Error("(instance.cannot_terminate) Cannot terminate instance since its on a finite state");
    }
    this.stopMemory(id);
    record.pauseRequested = false;
    if (options?.rollback === true && (record.rollback || pendingRollbacks(record).length > 0)) {
      record.rollback = {
        trigger: record.rollback?.trigger ?? { name: "Terminated", message: "Instance terminated during rollback" },
        endsAs: "terminated",
        instanceError: null,
      };
      record.pausedAt = null;
      this.setStatus(record, "running");
      this.scheduleStart(record);
      return;
    }
    record.rollback = null;
    this.setStatus(record, "terminated");
  }

  /** WF-83: from scratch, or from a step on (earlier cached results are kept). */
  restart(id: string, options: RestartOptions = {}): void {
    const record = this.assertExists(id);
    if (options.from) {
      const { name, count = 1, type = "do" } = options.from;
      const index = record.stepOrder.findIndex((key) => {
        const step = record.steps.get(key)!;
        return step.kind === type && step.name === name && step.count === count;
      });
      if (index < 0) throw new Error(`(instance.cannot_restart) Step "${name}" not found in execution history`);
      this.creationRate.charge(); // WF-83: each restart counts toward the creation rate limit
      for (const key of record.stepOrder.splice(index)) record.steps.delete(key);
    } else {
      this.creationRate.charge();
      record.steps.clear();
      record.stepOrder.length = 0;
      record.eventBuffer.clear();
    }
    this.host.trace.record({ type: "instance.restart", workflow: this.name, instance: id, from: options.from?.name });
    this.stopMemory(id);
    record.output = null;
    record.error = null;
    record.rollback = null;
    record.rollbackResult = null;
    record.pausedAt = null;
    record.pauseRequested = false;
    this.setStatus(record, "queued");
    this.scheduleStart(record);
  }

  /** WF-64..WF-68: buffered durably, delivered FIFO to the first waiter of that type. */
  sendEvent(id: string, event: { type?: unknown; payload?: unknown }): void {
    const record = this.assertExists(id);
    const { profile, clock, trace } = this.host;
    if (typeof event !== "object" || event === null || typeof event.type !== "string") {
      throw new WorkflowError("sendEvent needs { type: string, payload? }");
    }
    const type = profile.enforceLimits ? validateEventType(event.type) : event.type;
    const payload = this.toStorage(event.payload, `the payload of event "${type}"`, "json");
    if (isTerminal(record.status) && profile.sendEventToTerminalThrows) {
      throw new WorkflowError(`(instance.not_running) Cannot send event "${type}": the instance is ${record.status}`);
    }
    const delivered = { type, payload, timestamp: clock.now() };
    const queue = record.eventBuffer.get(type) ?? [];
    queue.push(delivered);
    record.eventBuffer.set(type, queue);
    trace.record({ type: "event.send", instance: id, eventType: type });
    if (isTerminal(record.status)) return; // §E.13: stored and ignored locally
    const exec = this.executions.get(id);
    const waiter = exec?.takeWaiter(type);
    if (waiter) {
      queue.shift();
      if (queue.length === 0) record.eventBuffer.delete(type);
      waiter.deliver(delivered);
      return;
    }
    // LE-06: an event for an instance with no live run() starts one; the replay takes the buffered event.
    if (!exec && record.status !== "paused" && record.status !== "queued") this.wake(record);
  }

  /**
   * Forgets an instance entirely, its durable record too: what disposing a `cloudflare:test` introspector does to
   * its instance (the plugin deletes the instance's storage), so a later test may create the same id again.
   */
  discard(id: string): void {
    this.stopMemory(id);
    this.store.delete(id);
    this.eventHub.notify(id);
  }

  private forget(id: string): void {
    this.discard(id);
    this.host.trace.record({ type: "instance.delete", workflow: this.name, instance: id });
  }

  /** WF-95: the retention a create asks for, resolved (null in the local profile, which ignores it). */
  private retentionOf(options: CreateOptions): InstanceRecord["retention"] {
    const { defaultRetentionMs } = this.host.profile;
    return defaultRetentionMs === null ? null : resolveRetention(options.retention, defaultRetentionMs);
  }

  // ---------------------------------------------------------------- faults

  /** Drops everything in memory. Durable records stay. */
  crash(): void {
    for (const exec of this.executions.values()) exec.kill();
    this.executions.clear();
    for (const timer of this.wakeTimers.values()) timer.cancel();
    this.wakeTimers.clear();
    this.delayedRestarts.clear();
    this.pendingStarts.clear();
    this.host.admission.forgetAll(this);
    this.host.admission.slotFreed(); // another workflow's waiting starts may go on now
  }

  /**
   * After a crash: production's alarms wake every live instance; the local engine wakes none (LE-07). Both turn an
   * instance that was waitingForPause into paused: the steps it waited for died with the crash (the local engine
   * does it when it restarts; left waitingForPause, the next touch would replay it as running, and it would hang).
   */
  recover(): void {
    for (const record of this.store.all()) {
      if (isTerminal(record.status) || record.status === "paused") continue;
      if (record.pauseRequested) {
        this.enterPaused(record);
        continue;
      }
      if (this.host.profile.recoversAfterCrash) this.scheduleRestart(record);
    }
  }

  /** After a crash: start again at once, or after the emulator's `restartDelayMs` of virtual time. */
  private scheduleRestart(record: InstanceRecord): void {
    const delay = this.host.restartDelayMs;
    if (delay <= 0) {
      this.scheduleStart(record);
      return;
    }
    this.delayedRestarts.add(record.id);
    this.wakeTimers.set(
      record.id,
      this.host.clock.at(this.host.clock.now() + delay, () => this.wake(record)),
    );
  }

  // ---------------------------------------------------------------- what the emulator asks

  /**
   * True while something will happen without outside help: a start, a running step, a sleep or retry to wake; with
   * `eventTimeouts`, also an event wait whose timeout will fire (only if time is moved to it).
   */
  hasScheduledWork(eventTimeouts = false): boolean {
    if (this.host.admission.canStartWaiting()) return true;
    if (this.pendingStarts.size > 0 || this.wakeTimers.size > 0) {
      if (eventTimeouts && this.wakeTimers.size > 0) return true;
      for (const id of this.wakeTimers.keys()) if (this.wakeReasonIsTimer(id)) return true;
      if (this.pendingStarts.size > 0) return true;
    }
    for (const exec of this.executions.values()) {
      if (exec.inflightSteps > 0) return true;
      for (const wait of exec.waits) if (eventTimeouts || wait.category !== "event") return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- AdmittedEngine (WF-94)

  runningInstances(): number {
    return this.executions.size;
  }

  instanceCount(): number {
    return this.store.size;
  }

  queuedInstances(): number {
    let queued = 0;
    for (const record of this.store.all()) if (record.status === "queued") queued++;
    return queued;
  }

  instanceIds(): string[] {
    return [...this.store.all()].map((r) => r.id);
  }

  // ---------------------------------------------------------------- StepEngine

  wait(exec: Execution, wait: PendingWait): Promise<void> {
    if (!exec.alive) return never();
    // Local engine: a sleep or retry wait started after the pause took effect is aborted at once.
    if (exec.pausedWhileRunning) return Promise.reject(new Error(PAUSE_ABORT_MESSAGE));
    // Already due (a replay after the deadline): go on at once. Hibernating here would wake at once, replay, and
    // hibernate again, forever at the same instant.
    if (wait.until <= this.host.clock.now()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      exec.waits.add(wait);
      const timer = exec.own(
        this.host.clock.at(wait.until, () => {
          exec.waits.delete(wait);
          resolve();
        }),
      );
      wait.interrupt = (error) => {
        timer.cancel();
        exec.waits.delete(wait);
        reject(error);
      };
      this.considerHibernation(exec);
    });
  }

  /**
   * WF-08: production hibernates an instance that is only waiting and replays `run()` when it wakes. Checked after
   * the current burst of work settles, so parallel waits (Promise.all of sleeps) are all registered first.
   */
  considerHibernation(exec: Execution): void {
    if (!this.host.profile.hibernatesOnWait) return;
    setImmediate(() => {
      if (!exec.alive || exec.inflightSteps > 0 || exec.waits.size === 0) return;
      if (this.executions.get(exec.record.id) !== exec) return;
      // A wait that is due now is about to end: hibernating would only replay at once.
      const now = this.host.clock.now();
      for (const wait of exec.waits) if (wait.until <= now) return;
      this.hibernate(exec);
    });
  }

  eventsChanged(id: string): void {
    this.eventHub.notify(id);
  }

  stepSettled(exec: Execution): void {
    if (exec.record.pauseRequested && exec.inflightSteps === 0) this.enterPaused(exec.record);
  }

  failInstance(exec: Execution, error: ErrorShape): void {
    if (!exec.alive) return;
    this.finish(exec, { ok: false, error });
  }

  /** Durable copy of a value, checked against the profile's size limits (see storage-encoding.ts). */
  toStorage(value: unknown, what: string, sizeBy: SizeMeasure, fresh = false): unknown {
    return toStorage(value, what, sizeBy, this.host.profile.enforceLimits, fresh);
  }

  // ---------------------------------------------------------------- lifetimes

  private scheduleStart(record: InstanceRecord): void {
    if (this.pendingStarts.has(record.id)) return;
    this.pendingStarts.add(record.id);
    queueMicrotask(() => {
      if (!this.pendingStarts.delete(record.id)) return; // cancelled (crash, terminate, pause)
      this.admitAndStart(record, false);
    });
  }

  private wake(record: InstanceRecord): void {
    this.wakeTimers.get(record.id)?.cancel();
    this.wakeTimers.delete(record.id);
    this.delayedRestarts.delete(record.id);
    this.admitAndStart(record, true);
  }

  /** WF-94: starts `run()` now, or once a running slot frees (woken instances ahead of queued ones, WF-53). */
  private admitAndStart(record: InstanceRecord, woken: boolean): void {
    const start = (): boolean => {
      if (isTerminal(record.status) || record.status === "paused" || this.executions.has(record.id)) return false;
      if (this.store.get(record.id) !== record) return false;
      void this.startExecution(record);
      return true;
    };
    if (this.host.admission.admit(this, record.id, woken, start)) start();
    // WF-53 / WF-94: an instance restarted after a crash that must wait for a slot holds none: production shows it
    // `waiting` (as a woken one), not the `running` its record kept from before the crash.
    else if (record.status === "running" && !this.executions.has(record.id) && this.host.profile.reportsWaiting)
      this.setStatus(record, "waiting");
  }

  private async startExecution(record: InstanceRecord): Promise<void> {
    const { host } = this;
    const exec = new Execution(record, ++record.generation);
    this.executions.set(record.id, exec);
    if (record.generation > host.maxLifetimes) {
      // Production would replay forever (and bill for it); the emulator stops and says why.
      this.finish(exec, {
        ok: false,
        error: {
          name: "EmulatorLivelockError",
          message: `instance ${record.id} was replayed ${host.maxLifetimes} times without finishing: a replay livelock (are step names deterministic? does every replay make progress?). Raise the emulator option maxLifetimesPerInstance if this is expected.`,
        },
      });
      return;
    }
    this.setStatus(record, "running");
    const metadata = envelopeMetadata(record.params);
    host.trace.record({
      type: "run.start",
      workflow: this.name,
      instance: record.id,
      generation: exec.generation,
      metadata,
    });
    // WF-43 / LE-09: a rollback chain was under way when the last lifetime ended: this one replays run() only to
    // get the handlers back, then resumes the chain.
    if (record.rollback) exec.phase = "replay";
    const step = new StepContext(this.ops, exec);
    const event = {
      payload: record.params,
      timestamp: new Date(record.createdAt),
      instanceId: record.id,
      workflowName: this.name,
    };
    let outcome: { ok: true; value: unknown } | { ok: false; error: ErrorShape };
    try {
      // Everything run() does, in every realm, is tagged with this execution (see invoke.ts executionScope).
      outcome = {
        ok: true,
        value: await executionScope.run(exec, () => host.runWorkflow(this.className, event, step)),
      };
    } catch (error) {
      outcome = { ok: false, error: errorShape(error) };
    }
    if (!exec.alive) return;
    if (!outcome.ok && exec.pausedWhileRunning && outcome.error.message === PAUSE_ABORT_MESSAGE) {
      // Local engine (engine.ts `init`): a run() that ends with an abort reason changes no status. It stays paused;
      // resume() replays it. The lifetime is not killed: a step call its run() left behind (a parallel step) still
      // finishes its attempt and caches the result, as on workerd; resume, terminate, restart or a crash end it.
      this.host.onQuiet();
      return;
    }
    if (record.rollback || (!outcome.ok && pendingRollbacks(record).length > 0)) {
      await this.rollBack(exec, outcome);
      return;
    }
    if (outcome.ok) {
      try {
        outcome = { ok: true, value: this.toStorage(outcome.value, "The Workflow output", "structured") };
      } catch (error) {
        outcome = { ok: false, error: errorShape(error) };
      }
    }
    this.finish(exec, outcome);
  }

  /**
   * WF-43: the workflow failed with rollbacks registered (or a chain is to be resumed): the chain runs in this
   * lifetime, status `running`, then the instance ends as the chain's record says (errored with the workflow's error,
   * or terminated), whatever the chain's outcome.
   */
  private async rollBack(exec: Execution, outcome: { ok: boolean; error?: ErrorShape }): Promise<void> {
    const record = exec.record;
    const failure = outcome.error ?? { name: "Error", message: "" };
    if (!record.rollback) record.rollback = { trigger: failure, endsAs: "errored", instanceError: failure };
    const rollback = record.rollback;
    exec.phase = "rollback";
    const chain = await executionScope.run(exec, () => this.rollbackChain.run(exec, rollback.trigger));
    if (!exec.alive) return;
    record.rollback = null;
    record.rollbackResult = chain.ok ? { outcome: "complete" } : { outcome: "failed", error: chain.error };
    if (rollback.endsAs === "errored") {
      this.finish(exec, { ok: false, error: rollback.instanceError ?? rollback.trigger });
      return;
    }
    exec.kill();
    this.executions.delete(record.id);
    record.pauseRequested = false;
    this.setStatus(record, "terminated");
    this.host.onQuiet();
  }

  private finish(exec: Execution, outcome: { ok: true; value: unknown } | { ok: false; error: ErrorShape }): void {
    const record = exec.record;
    exec.kill();
    this.executions.delete(record.id);
    this.host.admission.slotFreed();
    record.pauseRequested = false;
    if (outcome.ok) {
      record.output = { value: outcome.value };
      this.host.trace.record({
        type: "run.end",
        workflow: this.name,
        instance: record.id,
        generation: exec.generation,
        ok: true,
      });
      this.setStatus(record, "complete");
    } else {
      record.error = this.instanceError(outcome.error);
      this.host.trace.record({
        type: "run.end",
        workflow: this.name,
        instance: record.id,
        generation: exec.generation,
        ok: false,
        error: `${record.error.name}: ${record.error.message}`,
      });
      this.setStatus(record, "errored");
    }
    this.host.onQuiet();
  }

  /** WF-41: an uncaught NonRetryableError keeps its message only with the compat flag. */
  private instanceError(error: ErrorShape): ErrorShape {
    const nonRetryable = error.name === "NonRetryableError" || error.message.startsWith("NonRetryableError");
    if (!nonRetryable) return error;
    if (this.host.preserveNonRetryableMessage) {
      return { name: "NonRetryableError", message: error.message.replace(/^NonRetryableError:\s*/, "") };
    }
    return {
      name: "WorkflowFatalError",
      message:
        "The execution of the Workflow instance was terminated, as a step threw an NonRetryableError and it was not handled",
    };
  }

  private hibernate(exec: Execution): void {
    const record = exec.record;
    let wakeAt = Infinity;
    let timed = false;
    for (const wait of exec.waits) {
      wakeAt = Math.min(wakeAt, wait.until);
      if (wait.category !== "event" && !(wait.category === "sleep" && mutated("runningWhileSleeping"))) timed = true;
    }
    exec.kill();
    this.executions.delete(record.id);
    this.host.admission.slotFreed(); // WF-53: a waiting instance does not count toward concurrency
    this.host.trace.record({ type: "hibernate", instance: record.id, generation: exec.generation, wakeAt });
    // WF-53: production reports `waiting` during sleeps and retry waits; an event wait stays `running` (WF-69).
    // WF-43: a rollback waiting to retry stays `running`.
    if (timed && this.host.profile.reportsWaiting && !record.rollback) this.setStatus(record, "waiting");
    this.wakeTimers.set(
      record.id,
      this.host.clock.at(wakeAt, () => this.wake(record)),
    );
    this.host.onQuiet();
  }

  /** True if the wake timer of a hibernated instance is for a sleep or retry (not only an event timeout). */
  private wakeReasonIsTimer(id: string): boolean {
    if (this.delayedRestarts.has(id)) return true;
    const record = this.store.get(id);
    if (!record) return false;
    for (const step of record.steps.values()) {
      if (step.kind === "sleep" && !step.done) return true;
      if (step.kind === "do" && step.retryAt !== null) return true;
      if (step.kind === "do" && step.rollback && step.rollback.retryAt !== null) return true;
    }
    return false;
  }

  private enterPaused(record: InstanceRecord): void {
    const exec = this.executions.get(record.id);
    if (exec?.alive && this.host.profile.pauseRejectsPendingStep) {
      // Local engine (gracePeriodSemaphore `waitUntilNothingIsRunning`, then `pauseController.abort`): paused, but
      // run() goes on; whatever step call it is blocked in rejects with the pause error (docs/profiles.md).
      record.pauseRequested = false;
      record.pausedAt = this.host.clock.now();
      this.setStatus(record, "paused");
      exec.rejectForPause();
      return;
    }
    this.stopMemory(record.id);
    record.pauseRequested = false;
    record.pausedAt = this.host.clock.now();
    this.setStatus(record, "paused");
  }

  /** Kills the live execution and forgets scheduled wakes and starts of one instance. */
  private stopMemory(id: string): void {
    this.executions.get(id)?.kill();
    if (this.executions.delete(id)) this.host.admission.slotFreed();
    this.wakeTimers.get(id)?.cancel();
    this.wakeTimers.delete(id);
    this.delayedRestarts.delete(id);
    this.pendingStarts.delete(id);
    this.host.admission.forget(this, id);
  }

  private setStatus(record: InstanceRecord, to: InstanceStatusName): void {
    if (record.status === to) return;
    this.host.trace.record({ type: "status", workflow: this.name, instance: record.id, from: record.status, to });
    record.status = to;
    const now = this.host.clock.now();
    record.expiresAt = expiryOf(record, to, now);
    if (this.host.profile.supportsSubscribe) {
      appendStatusEvent(record, to, now);
      this.eventHub.notify(record.id);
    }
  }
}

/** The metadata the dispatcher will unwrap from the library's params envelope, for the trace. */
function envelopeMetadata(params: unknown): unknown {
  if (params !== null && typeof params === "object" && "__dispatcherMetadata" in params) {
    return (params as { __dispatcherMetadata: unknown }).__dispatcherMetadata;
  }
  return undefined;
}
