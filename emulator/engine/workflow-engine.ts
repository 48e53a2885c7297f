/**
 * The engine for one Workflow binding: instances, their lifecycle (WF-70..WF-83), `run()` lifetimes, hibernation,
 * and crash recovery. Durable state lives in `InstanceStore`; everything in `memory` (instance-memory.ts) is lost on
 * crash. The class is the engine's surface (the binding, the emulator, the step operations call it); each concept
 * behind it is a file of its own: creation (instance-creation.ts), the lifecycle controls (instance-controls.ts),
 * starting and waking (instance-waking.ts), one lifetime (run-lifetime.ts), waits and hibernation
 * (hibernation.ts), recovery after a crash (crash-recovery.ts), and what the emulator asks (scheduled-work.ts).
 */
import type { AdmittedEngine } from "./admission.ts";
import { CreationRate } from "./creation-rate.ts";
import { WorkflowError } from "../lib/errors.ts";
import type { Execution, PendingWait } from "./execution.ts";
import { type BatchCreateResult, type CreateOptions, createBatchObject } from "./batch-create.ts";
import { recover } from "./crash-recovery.ts";
import type { EngineHost } from "./engine-host.ts";
import { considerHibernation, waitFor } from "./hibernation.ts";
import { assertAddressableId, deleteBatch, type BatchDeleteResult } from "./instance-deletion.ts";
import { create, createBatch } from "./instance-creation.ts";
import { enterPaused, pause, restart, resume, sendEvent, terminate, type RestartOptions } from "./instance-controls.ts";
import { InstanceEventHub, InstanceSubscription, type SubscribeOptions } from "./instance-events.ts";
import { InstanceMemory } from "./instance-memory.ts";
import { InstanceStore, type ErrorShape, type InstanceRecord } from "./instance-record.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { finish } from "./run-lifetime.ts";
import { hasScheduledWork } from "./scheduled-work.ts";
import { statusView, type StatusView } from "./status-view.ts";
import type { StepInterceptor } from "./step-interceptor.ts";
import type { StepEngine } from "./step-engine.ts";
import { StepOperationsImpl } from "./step-operations.ts";
import { RollbackChain } from "./rollback-chain.ts";
import { toStorage, type SizeMeasure } from "./storage-encoding.ts";

export type { RestartOptions } from "./instance-controls.ts";

export type { CreateOptions };

export class WorkflowEngine implements StepEngine, AdmittedEngine, LifecycleEngine {
  readonly store = new InstanceStore(() => this.host.clock.now());
  /** Wakes `subscribe()` readers when an instance's event log grows (memory). */
  readonly eventHub = new InstanceEventHub();
  readonly ops: StepOperationsImpl;
  /** WF-94: creations per second of this workflow (virtual time; memory, like production's rate limiter). */
  readonly creationRate: CreationRate;
  readonly rollbackChain: RollbackChain;
  /** Memory: lost on crash. */
  readonly memory: InstanceMemory;
  /** Set by a test's introspection (emulator/introspection/); not durable state, so a crash keeps it. */
  interceptor: StepInterceptor | null = null;

  constructor(
    readonly host: EngineHost,
    readonly name: string,
    readonly className: string,
  ) {
    this.memory = new InstanceMemory(host.admission, this);
    this.ops = new StepOperationsImpl(this);
    this.creationRate = new CreationRate(host.clock, name, host.limits.creationsPerSecond);
    host.admission.register(this);
    this.rollbackChain = new RollbackChain(this);
  }

  // ---------------------------------------------------------------- binding operations

  /** WF-70, WF-71, WF-73, WF-04. `options` are already in host form (after the profile's encoding). */
  create(options: CreateOptions, paramsAreFresh = false, rateCharged = false): string {
    return create(this, options, paramsAreFresh, rateCharged);
  }

  /** WF-75: production skips ids in use and caps at 100; local does neither and rejects an empty batch. */
  createBatch(batch: CreateOptions[]): string[] {
    return createBatch(this, batch);
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
    pause(this, id);
  }

  /** WF-81: replays `run()`; remaining sleep, retry and event-timeout time is kept (shifted by the paused time). */
  resume(id: string): void {
    resume(this, id);
  }

  /** WF-82; with `{ rollback: true }` (WF-43) the registered rollbacks run first (instance-controls.ts). */
  terminate(id: string, options?: { rollback?: boolean }): void {
    terminate(this, id, options);
  }

  /** WF-83: from scratch, or from a step on (earlier cached results are kept). */
  restart(id: string, options: RestartOptions = {}): void {
    restart(this, id, options);
  }

  /** WF-64..WF-68: buffered durably, delivered FIFO to the first waiter of that type. */
  sendEvent(id: string, event: { type?: unknown; payload?: unknown }): void {
    sendEvent(this, id, event);
  }

  /**
   * Forgets an instance entirely, its durable record too: what disposing a `cloudflare:test` introspector does to
   * its instance (the plugin deletes the instance's storage), so a later test may create the same id again.
   */
  discard(id: string): void {
    this.memory.stop(id);
    this.store.delete(id);
    this.eventHub.notify(id);
  }

  private forget(id: string): void {
    this.discard(id);
    this.host.trace.record({ type: "instance.delete", workflow: this.name, instance: id });
  }

  // ---------------------------------------------------------------- faults

  /** Drops everything in memory. Durable records stay. */
  crash(): void {
    this.memory.drop();
  }

  /** After a crash: production wakes every live instance, the local engine none (LE-07); see crash-recovery.ts. */
  recover(): void {
    recover(this);
  }

  // ---------------------------------------------------------------- what the emulator asks

  /**
   * True while something will happen without outside help: a start, a running step, a sleep or retry to wake; with
   * `eventTimeouts`, also an event wait whose timeout will fire (only if time is moved to it).
   */
  hasScheduledWork(eventTimeouts = false): boolean {
    return hasScheduledWork(this, eventTimeouts);
  }

  // ---------------------------------------------------------------- AdmittedEngine (WF-94)

  runningInstances(): number {
    return this.memory.executions.size;
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
    return waitFor(this, exec, wait);
  }

  /** WF-08: hibernates an execution that is now only waiting, once the current burst of work settles. */
  considerHibernation(exec: Execution): void {
    considerHibernation(this, exec);
  }

  eventsChanged(id: string): void {
    this.eventHub.notify(id);
  }

  stepSettled(exec: Execution): void {
    if (exec.record.pauseRequested && exec.inflightSteps === 0) enterPaused(this, exec.record);
  }

  failInstance(exec: Execution, error: ErrorShape): void {
    if (!exec.alive) return;
    finish(this, exec, { ok: false, error });
  }

  /** Durable copy of a value, checked against the profile's size limits (see storage-encoding.ts). */
  toStorage(value: unknown, what: string, sizeBy: SizeMeasure, fresh = false): unknown {
    return toStorage(value, what, sizeBy, this.host.profile.enforceLimits, fresh);
  }
}
