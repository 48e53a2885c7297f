/**
 * `Emulator.instances()`'s view of one instance: its durable state as copies, so a harness may observe an instance
 * without reaching into the engine and without being able to change it.
 */
import type { InstanceRecord } from "./engine/instance-record.ts";
import type { InstanceStatusName } from "./engine/status.ts";

/** One instance as `Emulator.instances()` shows it. */
export interface InstanceSnapshot {
  id: string;
  status: InstanceStatusName;
  /** `create()`'s params exactly as persisted (after the profile's encoding of the create options). */
  params: unknown;
  /** Virtual epoch ms. */
  createdAt: number;
  output: unknown;
  error: { name: string; message: string } | null;
  /** Events sent but not yet taken by a wait, per type. */
  bufferedEvents: Record<string, number>;
  /** `run()` lifetimes started so far. */
  lifetimes: number;
}

export function snapshotOf(record: InstanceRecord): InstanceSnapshot {
  return {
    id: record.id,
    status: record.status,
    params: structuredClone(record.params),
    createdAt: record.createdAt,
    output: record.output === null ? undefined : structuredClone(record.output.value),
    error: record.error === null ? null : { ...record.error },
    bufferedEvents: Object.fromEntries([...record.eventBuffer].map(([type, events]) => [type, events.length])),
    lifetimes: record.generation,
  };
}
