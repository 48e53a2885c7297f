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
  /** WF-43: the step was called with a rollback handler (kept from its first call: what makes it eligible). */
  hasRollback?: boolean;
  /** WF-43: this step's rollback, once a rollback chain reached it (durable: a finished rollback never runs again). */
  rollback?: RollbackStepRecord;
}

/** One step's rollback: attempts like a step's own (retries and timeout from `rollbackConfig`). */
export interface RollbackStepRecord {
  attempts: number;
  attemptInFlight: boolean;
  retryAt: number | null;
  outcome: { ok: true } | { ok: false; error: ErrorShape } | null;
}

/**
 * WF-43: a rollback chain that has begun and not ended. Durable, so a crash, an eviction or a hibernation mid-chain
 * resumes it: the next lifetime replays `run()` to get the handlers back (LE-09) and goes on where it stopped.
 */
export interface RollbackRecord {
  /** The error the handlers receive: the workflow's own, or `Terminated` for `terminate({ rollback: true })`. */
  trigger: ErrorShape;
  /** How the instance ends once the chain does: errored (with `instanceError`) or terminated. */
  endsAs: "errored" | "terminated";
  instanceError: ErrorShape | null;
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
  /** WF-95: how long the instance is kept once it ends (production; null: the local engine keeps it forever). */
  retention: RetentionMs | null;
  /** WF-95: when a terminal instance is forgotten and its id may be used again (null: kept). */
  expiresAt: number | null;
  /** WF-84: what `subscribe()` reads, in order; an event's `eventId` is its position + 1. */
  events: InstanceEvent[];
  /** WF-43: the rollback chain in progress, if any. */
  rollback?: RollbackRecord | null;
  /** WF-78, production: how the last rollback chain ended, for `status()` (none ran: absent; restart clears it). */
  rollbackResult?: RollbackResult | null;
}

export interface RollbackResult {
  outcome: "complete" | "failed";
  /** The error of the rollback handler that stopped the chain. */
  error?: ErrorShape;
}

export interface RetentionMs {
  successMs: number;
  errorMs: number;
}

/** One entry of an instance's event log, as `subscribe()` hands it out (WF-84). */
export interface InstanceEvent {
  instanceId: string;
  eventId: number;
  timestamp: number;
  type: string;
  [field: string]: unknown;
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
    retention: null,
    expiresAt: null,
    events: [],
  };
}

/**
 * Durable storage for one workflow's instances. Only the engine writes it; a crash keeps it whole. A record whose
 * retention has run out (WF-95) is gone the moment anything looks: expiry needs no timer, so it survives a crash and
 * never keeps virtual time moving on its own.
 */
export class InstanceStore {
  private readonly records = new Map<string, InstanceRecord>();

  constructor(private readonly now: () => number = () => 0) {}

  get(id: string): InstanceRecord | undefined {
    const record = this.records.get(id);
    if (record && this.expired(record)) {
      this.records.delete(id);
      return undefined;
    }
    return record;
  }

  put(record: InstanceRecord): void {
    this.records.set(record.id, record);
  }

  delete(id: string): void {
    this.records.delete(id);
  }

  all(): IterableIterator<InstanceRecord> {
    for (const record of [...this.records.values()]) if (this.expired(record)) this.records.delete(record.id);
    return this.records.values();
  }

  get size(): number {
    return [...this.all()].length;
  }

  private expired(record: InstanceRecord): boolean {
    return record.expiresAt !== null && record.expiresAt <= this.now();
  }
}
