/**
 * Structured events the emulator records as it runs: the raw material suites assert on and reports show.
 * Every event carries the virtual time it happened at and a sequence number, so a trace reads as one history.
 */
export type TraceEvent =
  | { type: "loader.get"; binding: string; id: string; getCodeRan: boolean }
  | { type: "loader.load"; binding: string; isolate: string }
  /**
   * `code`: the isolate's code identity, a digest (sha256, 16 hex) of the main module's source: who loaded what, so a
   * harness that deployed that source for one tenant and version can tell which tenant's code an isolate runs.
   */
  | { type: "loader.getCode"; binding: string; id: string; isolate: string; ok: boolean; error?: string; code?: string }
  | { type: "loader.evict"; binding: string; ids: string[]; reason: "explicit" | "capacity" | "idle" }
  | { type: "dispatcher.start"; isolate: string }
  /** A Durable Object instance was constructed (first call, or the first after an eviction or a crash). */
  | { type: "durableObject.start"; className: string; id: string; name?: string }
  | { type: "durableObject.evict"; className: string; ids: string[] }
  | { type: "durableObject.alarm"; className: string; id: string; ok: boolean; retryCount: number; error?: string }
  | { type: "instance.create"; workflow: string; instance: string }
  | { type: "instance.restart"; workflow: string; instance: string; from?: string }
  | { type: "instance.delete"; workflow: string; instance: string }
  | { type: "status"; workflow: string; instance: string; from: string; to: string }
  | { type: "run.start"; workflow: string; instance: string; generation: number; metadata: unknown }
  | { type: "run.end"; workflow: string; instance: string; generation: number; ok: boolean; error?: string }
  | { type: "step.attempt"; instance: string; step: string; count: number; attempt: number }
  | { type: "step.commit"; instance: string; step: string; count: number; attempt: number }
  | {
      type: "step.failure";
      instance: string;
      step: string;
      count: number;
      attempt: number;
      error: string;
      willRetry: boolean;
    }
  | { type: "step.cached"; instance: string; step: string; count: number }
  | { type: "sleep.start"; instance: string; step: string; count: number; until: number }
  | { type: "sleep.end"; instance: string; step: string; count: number }
  | { type: "event.send"; instance: string; eventType: string }
  /** A `waitForEvent` starts waiting (first time only, not on replay); `deadline` is when its timeout fires. */
  | { type: "event.wait"; instance: string; step: string; count: number; eventType: string; deadline: number }
  | { type: "event.deliver"; instance: string; step: string; count: number; eventType: string }
  | { type: "event.timeout"; instance: string; step: string; count: number; eventType: string }
  /** WF-43: a rollback chain starts (or resumes after a crash, eviction or hibernation: `pending` left to run). */
  | { type: "rollback.start"; instance: string; trigger: string; pending: number; generation: number }
  | { type: "rollback.attempt"; instance: string; step: string; count: number; attempt: number }
  /** A rollback handler finished; `result` is what it returned (the engine ignores it; tests read it). */
  | { type: "rollback.commit"; instance: string; step: string; count: number; attempt: number; result?: unknown }
  | {
      type: "rollback.failure";
      instance: string;
      step: string;
      count: number;
      attempt: number;
      error: string;
      willRetry: boolean;
    }
  | { type: "rollback.end"; instance: string; outcome: "complete" | "failed"; completed: number }
  | { type: "hibernate"; instance: string; generation: number; wakeAt: number | null }
  /** Worker code left a promise rejection unobserved: workerd logs "Uncaught (in promise)" and goes on. */
  | { type: "worker.unhandledRejection"; isolate: string; message: string }
  | { type: "fault"; kind: "crash" | "evict" | "loaderFailure"; point?: string; detail?: string };

export type Traced = TraceEvent & { seq: number; time: number };

export class Trace {
  private readonly events: Traced[] = [];
  private seq = 0;
  private readonly listeners = new Set<(event: Traced) => void>();
  enabled: boolean;

  constructor(
    private readonly now: () => number,
    enabled = true,
  ) {
    this.enabled = enabled;
  }

  /** Bumped by every event, even when recording is off: the "something happened" signal for settling. */
  get activity(): number {
    return this.seq;
  }

  record(event: TraceEvent): void {
    const seq = this.seq++;
    if (!this.enabled) return;
    const traced = { ...event, seq, time: this.now() };
    this.events.push(traced);
    for (const listener of this.listeners) listener(traced);
  }

  /**
   * Hears every event as it is recorded, synchronously, before the code that recorded it goes on: a harness can place
   * a fault exactly there (arm a crash point, evict). Returns the unsubscribe function.
   */
  subscribe(listener: (event: Traced) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  all(): readonly Traced[] {
    return this.events;
  }

  clear(): void {
    this.events.length = 0;
  }
}
