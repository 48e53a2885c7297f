/**
 * WF-84, production: an instance's event log and `instance.subscribe({cursor?, filter?})` over it. The log is part of
 * the durable record (a subscriber that reconnects after a crash resumes from its cursor). It holds the instance-level
 * events (`workflow_queued`, `workflow_started`, `workflow_running`, `workflow_waiting`, `workflow_paused`,
 * `workflow_waiting_for_pause`, `workflow_completed` with its output, `workflow_errored` with its error,
 * `workflow_terminated`), written on every status change, and the step-level events of `@cloudflare/workers-types`'
 * `WorkflowInstanceEvent` (`step_*`, `attempt_*`, `sleep_*`, `wait_*`, `rollback_*`), written by the engine's step
 * code through `stepEvent` (one line at each point).
 *
 * [INFERRED] Each step event stands for something that happened once in the durable record, never for a replay:
 * `step_started` and `rollback_step_started` are written when the step's (or its rollback's) record is made, so a
 * replay after a crash that finds the record writes nothing; a cached step writes nothing. An attempt a crash cut
 * short keeps its `attempt_started` without an end, and the attempt run again after the crash writes a new
 * `attempt_started` (with the attempt number the profile counts, WF-90), so the log shows the crash as it happened.
 * A sensitive step's (WF-21) `step_completed` output is `"[REDACTED]"`.
 *
 * [INFERRED] `cursor` is the `eventId` last seen (events after it are delivered); the stream ends (`done`) once the
 * instance is terminal and every event has been read, or when the instance is deleted or expires.
 */
import type { ResolvedStepConfig } from "../lib/validators.ts";
import type { Execution } from "./execution.ts";
import type { InstanceEvent, InstanceRecord } from "./instance-record.ts";
import type { StepEngine } from "./step-engine.ts";
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
  appendEvent(record, type, now, fields);
}

/**
 * Appends a step-level event (production only: the profile has subscribe) and wakes the subscribers. Nothing is
 * written for an execution that is no longer alive: a killed lifetime commits nothing.
 */
export function stepEvent(
  engine: StepEngine,
  exec: Execution,
  type: string,
  fields: Record<string, unknown> = {},
): void {
  if (!engine.host.profile.supportsSubscribe || !exec.alive) return;
  appendEvent(exec.record, type, engine.host.clock.now(), fields);
  engine.eventsChanged(exec.record.id);
}

function appendEvent(record: InstanceRecord, type: string, now: number, fields: Record<string, unknown>): void {
  record.events.push({ instanceId: record.id, eventId: record.events.length + 1, timestamp: now, type, ...fields });
}

/** The `config` of `step_started` / `rollback_step_started`, in the types' shape (a delay function is "[dynamic]"). */
export function eventConfig(config: ResolvedStepConfig): Record<string, unknown> {
  const { retries } = config;
  return {
    retries: { limit: retries.limit, delay: retries.delayFn ? "[dynamic]" : retries.delayMs, backoff: retries.backoff },
    timeout: config.timeoutMs,
    ...(config.sensitive === "output" && { sensitive: "output" }),
  };
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
