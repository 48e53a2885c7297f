/**
 * Error classes the emulated engine raises. Names and messages follow the spec (see
 * docs/spec/workflows-and-worker-loader.md); the local engine's texts are used where production's are unknown.
 *
 * These live in the host realm. When an error crosses into worker code it is rebuilt with that realm's constructors,
 * keeping `name` and `message` (that is all workerd keeps across RPC too).
 */

/** A named error whose `name` survives `structuredClone`-free copying across realms. */
abstract class NamedError extends Error {
  abstract override readonly name: string;
}

/** Bad input to a Workflow binding call (invalid id, duplicate id, bad event type...). */
export class WorkflowError extends NamedError {
  override readonly name = "WorkflowError";
}

/** An error that ends the instance without retries (bad step name or config, step limit, unserialisable output). */
export class WorkflowFatalError extends NamedError {
  override readonly name = "WorkflowFatalError";
}

/** A step attempt or an event wait that ran out of time. */
export class WorkflowTimeoutError extends NamedError {
  override readonly name = "WorkflowTimeoutError";
  constructor(ms: number) {
    super(`Execution timed out after ${ms}ms`);
  }
}

/** An engine-side failure of one attempt that is still retried (e.g. an oversized step output). */
export class WorkflowInternalError extends NamedError {
  override readonly name = "WorkflowInternalError";
}

/** A retry-delay function that threw, hung or returned garbage: the step fails without further retries. */
export class NonRetryableDelayError extends NamedError {
  override readonly name = "NonRetryableDelayError";
}

/** Mirrors `DataCloneError` (a DOMException in workerd): a value that cannot cross a worker boundary or be stored. */
export class DataCloneError extends NamedError {
  override readonly name = "DataCloneError";
}

/** Misuse of the emulator's own API (bad options, unknown binding): a harness bug, never a Workflows behaviour. */
export class EmulatorUsageError extends NamedError {
  override readonly name = "EmulatorUsageError";
}

/**
 * Worker code uses a real-runtime feature this emulator does not implement (Python modules, top-level await).
 * A separate name lets the harness report such a case as `unsupported` rather than as a divergence.
 */
export class EmulatorUnsupportedError extends NamedError {
  override readonly name = "EmulatorUnsupportedError";
}

/** The local engine and production both decide "non-retryable" by name, or by an RPC-prefixed message (WF-42). */
export function isNonRetryable(error: { name?: unknown; message?: unknown }): boolean {
  return (
    error.name === "NonRetryableError" ||
    (typeof error.message === "string" && error.message.startsWith("NonRetryableError"))
  );
}
