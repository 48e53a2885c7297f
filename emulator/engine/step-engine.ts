/**
 * What the step operations need from the engine that owns the instance. An interface, so the step operations do not
 * import the engine (which builds them): the engine depends on its steps, not the reverse.
 */
import type { EngineHost } from "./engine-host.ts";
import type { Execution, PendingWait } from "./execution.ts";
import type { ErrorShape } from "./instance-record.ts";
import type { StepInterceptor } from "./step-interceptor.ts";
import type { SizeMeasure } from "./storage-encoding.ts";

export interface StepEngine {
  readonly host: EngineHost;
  /** A test's mocks and switches for this binding's instances (cloudflare:test introspection), or null. */
  readonly interceptor: StepInterceptor | null;
  /** Blocks until `until` (a sleep or a retry wait); may hibernate the execution. */
  wait(exec: Execution, wait: PendingWait): Promise<void>;
  /** Lets the engine hibernate an execution that is now only waiting. */
  considerHibernation(exec: Execution): void;
  /** Called when a step callback settles: a requested pause takes effect once none are running (WF-80). */
  stepSettled(exec: Execution): void;
  /** Ends the instance as errored at once, without retries (WF-16). */
  failInstance(exec: Execution, error: ErrorShape): void;
  /** WF-84: an event was appended to the instance's log; subscribers waiting on it read on. */
  eventsChanged(id: string): void;
  /** Copies a value into durable form, or throws DataCloneError / a size error. */
  toStorage(value: unknown, what: string, sizeBy: SizeMeasure): unknown;
}
