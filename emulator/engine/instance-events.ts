/**
 * WF-84, production: an instance's event log and `instance.subscribe({cursor?, filter?})` over it. The log is part of
 * the durable record (a subscriber that reconnects after a crash resumes from its cursor). It holds the instance-level
 * events (`workflow_queued`, `workflow_started`, `workflow_running`, `workflow_waiting`, `workflow_paused`,
 * `workflow_waiting_for_pause`, `workflow_completed` with its output, `workflow_errored` with its error,
 * `workflow_terminated`), written on every status change; step-level events (`step_started`, `attempt_*`, ...) are
 * not emitted yet (docs/spec-coverage.md).
 *
 * [INFERRED] `cursor` is the `eventId` last seen (events after it are delivered); the stream ends (`done`) once the
 * instance is terminal and every event has been read, or when the instance is deleted or expires.
 */
import type { InstanceEvent, InstanceRecord } from "./instance-record.ts";
import { isTerminal, type InstanceStatusName } from "./status.ts";

const EVENT_OF_STATUS: Partial<Record<InstanceStatusName, string>> = {
  queued: "workflow_queued",
  running: "workflow_running",
  waiting: "workflow_waiting",
  paused: "workflow_paused",
  waitingForPause: "workflow_waiting_for_pause",
  complete: "workflow_completed",
  errored: "workflow_errored",
  terminated: "workflow_terminated",
};

/** Appends the event for a status change (the record's output or error is already set when it ends). */
export function appendStatusEvent(record: InstanceRecord, to: InstanceStatusName, now: number): void {
  let type = EVENT_OF_STATUS[to];
  if (type === undefined) return;
  const fields: Record<string, unknown> = {};
  if (type === "workflow_running" && !record.events.some((e) => e.type === "workflow_started")) {
    type = "workflow_started";
    fields.params = record.params;
  }
  if (type === "workflow_completed") fields.output = record.output?.value;
  if (type === "workflow_errored" && record.error) fields.error = { ...record.error };
  record.events.push({ instanceId: record.id, eventId: record.events.length + 1, timestamp: now, type, ...fields });
}

export interface SubscribeOptions {
  cursor?: number;
  filter?: string[];
}

/** What a subscription reads: the record while it exists, and a wake-up when it changes. Memory only. */
export class InstanceEventHub {
  private readonly waiters = new Map<string, Set<() => void>>();

  notify(id: string): void {
    const waiting = this.waiters.get(id);
    if (!waiting) return;
    this.waiters.delete(id);
    for (const wake of waiting) wake();
  }

  changed(id: string): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.waiters.get(id) ?? new Set();
      waiting.add(resolve);
      this.waiters.set(id, waiting);
    });
  }
}

/** One subscriber's position in an instance's log; `next()` waits for the next matching event. */
export class InstanceSubscription {
  private cursor: number;
  private closed = false;
  private readonly filter: Set<string> | null;

  constructor(
    private readonly id: string,
    private readonly record: () => InstanceRecord | undefined,
    private readonly hub: InstanceEventHub,
    options: SubscribeOptions,
  ) {
    this.cursor = options.cursor ?? 0;
    this.filter = options.filter ? new Set(options.filter) : null;
  }

  async next(): Promise<IteratorResult<InstanceEvent, void>> {
    for (;;) {
      const record = this.record();
      if (this.closed || !record) return { done: true, value: undefined };
      const event = record.events.find((e) => e.eventId > this.cursor && (!this.filter || this.filter.has(e.type)));
      if (event) {
        this.cursor = event.eventId;
        return { done: false, value: structuredClone(event) };
      }
      this.cursor = record.events.length;
      if (isTerminal(record.status)) return { done: true, value: undefined };
      await this.hub.changed(this.id);
    }
  }

  close(): void {
    this.closed = true;
    this.hub.notify(this.id);
  }
}
