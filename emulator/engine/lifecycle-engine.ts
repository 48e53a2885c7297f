/**
 * What the engine's lifecycle files (instance-creation, instance-controls, run-lifetime, instance-waking,
 * hibernation, crash-recovery, scheduled-work, status-change) need from the engine that owns the instances. An
 * interface, so those files do not import workflow-engine.ts (which calls them): the engine depends on its parts, not
 * the reverse, as with step-engine.ts.
 */
import type { AdmittedEngine } from "./admission.ts";
import type { CreationRate } from "./creation-rate.ts";
import type { InstanceEventHub } from "./instance-events.ts";
import type { InstanceMemory } from "./instance-memory.ts";
import type { InstanceRecord, InstanceStore } from "./instance-record.ts";
import type { RollbackChain } from "./rollback-chain.ts";
import type { StepOperations } from "./step-context.ts";
import type { StepEngine } from "./step-engine.ts";
import type { SizeMeasure } from "./storage-encoding.ts";

export interface LifecycleEngine extends StepEngine, AdmittedEngine {
  /** The workflow's name (WF-72), as the trace and the creation-rate error name it. */
  readonly name: string;
  /** The exported class of the dispatcher that implements `run()`. */
  readonly className: string;
  /** Durable: every instance's record. */
  readonly store: InstanceStore;
  /** Memory: live executions, wake timers and pending starts, lost on crash. */
  readonly memory: InstanceMemory;
  /** Wakes `subscribe()` readers when an instance's event log grows (memory). */
  readonly eventHub: InstanceEventHub;
  /** WF-94: creations per second of this workflow (virtual time; memory, like production's rate limiter). */
  readonly creationRate: CreationRate;
  readonly rollbackChain: RollbackChain;
  /** The step API each lifetime's `step` object calls. */
  readonly ops: StepOperations;
  /** WF-76: the record of an existing instance; a missing one throws the profile's not-found error. */
  assertExists(id: unknown): InstanceRecord;
  /** Durable copy of a value, checked against the profile's size limits; `fresh`: the value is the caller's own copy. */
  toStorage(value: unknown, what: string, sizeBy: SizeMeasure, fresh?: boolean): unknown;
}
