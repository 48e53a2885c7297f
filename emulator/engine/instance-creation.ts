/**
 * Creating instances: `create()` (WF-70, WF-71, WF-73, WF-04) and the array form of `createBatch` (WF-75), with what
 * both check first: the id, params in storage form, the retention asked for (WF-95), the creation rate and the
 * queue (WF-94). The object form of `createBatch` is batch-create.ts, which repeats `create`.
 */
import { WorkflowError } from "../lib/errors.ts";
import { validateInstanceId } from "../lib/validators.ts";
import { type CreateOptions, MAX_BATCH } from "./batch-create.ts";
import { appendStatusEvent } from "./instance-events.ts";
import { type InstanceRecord, newInstanceRecord } from "./instance-record.ts";
import { scheduleStart } from "./instance-waking.ts";
import type { LifecycleEngine } from "./lifecycle-engine.ts";
import { resolveRetention } from "./retention.ts";
import { isTerminal } from "./status.ts";

/** WF-70, WF-71, WF-73, WF-04. `options` are already in host form (after the profile's encoding). */
export function create(
  engine: LifecycleEngine,
  options: CreateOptions,
  paramsAreFresh: boolean,
  rateCharged: boolean,
): string {
  const { host } = engine;
  const id = options.id === undefined ? host.newId() : validateInstanceId(options.id);
  // WF-02 (local): params default to {} when create() has none.
  const params = engine.toStorage(
    options.params === undefined ? {} : options.params,
    "Workflow params",
    "json",
    paramsAreFresh,
  );
  const retention = retentionOf(engine, options);
  const existing = engine.store.get(id);
  if (existing) {
    if (host.profile.rejectDuplicateIds) throw new WorkflowError("(instance.already_exists) Instance already exists");
    // §E.2: the local engine re-initialises: nothing for a terminal instance, a replay for an idle live one.
    if (!isTerminal(existing.status) && existing.status !== "paused" && !engine.memory.executions.has(id))
      scheduleStart(engine, existing);
    return id;
  }
  // WF-94: over the creation rate or a full queue, production answers 429 and creates nothing.
  if (!rateCharged) engine.creationRate.charge();
  host.admission.refuseIfQueueFull();
  const record = newInstanceRecord(id, engine.name, params, host.clock.now());
  record.retention = retention;
  engine.store.put(record);
  host.trace.record({ type: "instance.create", workflow: engine.name, instance: id });
  host.trace.record({ type: "status", workflow: engine.name, instance: id, from: "none", to: "queued" });
  if (host.profile.supportsSubscribe) appendStatusEvent(record, "queued", record.createdAt);
  engine.interceptor?.instanceCreated(id);
  scheduleStart(engine, record);
  return id;
}

/** WF-75: production skips ids in use and caps at 100; local does neither and rejects an empty batch. */
export function createBatch(engine: LifecycleEngine, batch: CreateOptions[]): string[] {
  if (!Array.isArray(batch) || batch.length === 0) {
    throw new Error("WorkflowError: batchCreate should have at least 1 instance");
  }
  const { profile } = engine.host;
  if (profile.batchSkipsDuplicates && batch.length > MAX_BATCH) {
    throw new WorkflowError(`createBatch accepts at most ${MAX_BATCH} instances, got ${batch.length}`);
  }
  // Validate everything first, so a bad item creates nothing (no half-created batch).
  for (const options of batch) {
    if (options.id !== undefined) validateInstanceId(options.id);
    engine.toStorage(options.params ?? {}, "Workflow params", "json");
    retentionOf(engine, options);
  }
  const ids: string[] = [];
  const skipped = (options: CreateOptions) =>
    profile.batchSkipsDuplicates && options.id !== undefined && engine.store.get(options.id) !== undefined;
  // WF-75: each instance of a batch counts toward the creation rate; a batch over it creates nothing.
  engine.creationRate.charge(batch.filter((options) => !skipped(options)).length);
  for (const options of batch) {
    if (skipped(options)) continue;
    ids.push(create(engine, options, false, true));
  }
  return ids;
}

/** WF-95: the retention a create asks for, resolved (null in the local profile, which ignores it). */
function retentionOf(engine: LifecycleEngine, options: CreateOptions): InstanceRecord["retention"] {
  const { defaultRetentionMs } = engine.host.profile;
  return defaultRetentionMs === null ? null : resolveRetention(options.retention, defaultRetentionMs);
}
