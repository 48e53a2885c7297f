/**
 * What the engine keeps in durable storage for one instance. Everything here survives `crash()`; everything else
 * (executions, waiters, timers, isolates) is memory and is lost. Values are host-realm structured clones that worker
 * code never holds a reference to.
 */
import type { ResolvedStepConfig } from "../lib/validators.ts";
import type { InstanceStatusName } from "./status.ts";

export interface ErrorShape {
  name: string;
  message: string;
}

/** A stream output as stored (WF-19, engine/stream-output.ts): fixed-size chunks of host bytes, the last shorter. */
export interface StoredStream {
  chunks: Uint8Array[];
  totalBytes: number;
}

export interface DoStepRecord {
  kind: "do";
  name: string;
  count: number;
  /** Attempts started so far (persisted before the callback runs, so a crash mid-attempt is visible: WF-90). */
  attempts: number;
  /** True while an attempt has started and neither committed nor failed: the crash detector. */
  attemptInFlight: boolean;
  /** WF-36: the config of the first attempt is the one retries and replays use. */
  config: ResolvedStepConfig | null;
  /** When the next retry may start (a durable retry wait). */
  retryAt: number | null;
  /** `stream`: the output was a ReadableStream, stored in chunks (WF-19); `value` is then undefined. */
  outcome: { ok: true; value: unknown; stream?: StoredStream } | { ok: false; error: ErrorShape } | null;
  /** A stream output the attempt in flight is still storing: kept by a crash, discarded by the next attempt. */
  pendingStream?: StoredStream | null;
}

export interface SleepRecord {
  kind: "sleep";
  name: string;
  count: number;
  until: number;
  done: boolean;
}

export interface EventWaitRecord {
  kind: "waitForEvent";
  name: string;
  count: number;
  type: string;
  deadline: number;
  outcome: { ok: true; event: DeliveredEvent } | { ok: false; error: ErrorShape } | null;
}

export type StepRecord = DoStepRecord | SleepRecord | EventWaitRecord;

export interface DeliveredEvent {
  type: string;
  payload: unknown;
  timestamp: number;
}

export interface InstanceRecord {
  id: string;
  workflow: string;
  /** The payload exactly as persisted (after the profile's encoding of `create` options). */
  params: unknown;
  createdAt: number;
  status: InstanceStatusName;
  output: { value: unknown } | null;
  error: ErrorShape | null;
  /** Step cache by key; a key is (kind, name[, duration], occurrence). */
  steps: Map<string, StepRecord>;
  /** Keys in the order each step first started: what `restart({from})` cuts at. */
  stepOrder: string[];
  /** Events sent but not yet taken by a waiter, FIFO per type (WF-64, WF-65). */
  eventBuffer: Map<string, DeliveredEvent[]>;
  /** When the current pause began (WF-81: waits are shifted by the time spent paused). */
  pausedAt: number | null;
  /** Set by `pause()` while steps are still running (WF-80). */
  pauseRequested: boolean;
  /** Number of `run()` lifetimes started. */
  generation: number;
}

export function newInstanceRecord(id: string, workflow: string, params: unknown, createdAt: number): InstanceRecord {
  return {
    id,
    workflow,
    params,
    createdAt,
    status: "queued",
    output: null,
    error: null,
    steps: new Map(),
    stepOrder: [],
    eventBuffer: new Map(),
    pausedAt: null,
    pauseRequested: false,
    generation: 0,
  };
}

/** Durable storage for one workflow's instances. Only the engine writes it; a crash keeps it whole. */
export class InstanceStore {
  private readonly records = new Map<string, InstanceRecord>();

  get(id: string): InstanceRecord | undefined {
    return this.records.get(id);
  }

  put(record: InstanceRecord): void {
    this.records.set(record.id, record);
  }

  delete(id: string): void {
    this.records.delete(id);
  }

  all(): IterableIterator<InstanceRecord> {
    return this.records.values();
  }

  get size(): number {
    return this.records.size;
  }
}
