/**
 * What a test may change about an instance's steps: the engine side of `cloudflare:test`'s instance modifier
 * (disableSleeps, mockStepResult, …; emulator/introspection/ implements it). The engine asks at each decision point
 * and otherwise runs as it always does, so a run without an interceptor is unchanged.
 *
 * Steps are named as the vitest plugin names them: `name` and a 1-based `index` — the occurrence of that name among
 * the instance's steps of that kind (the emulator's `count`).
 */

/** What replaces one `step.do` attempt instead of running its callback. */
export type AttemptOverride =
  | { kind: "error"; error: { name: string; message: string } }
  | { kind: "timeout" }
  | { kind: "result"; value: unknown };

export interface StepInterceptor {
  /** A new instance was created (its record is stored, its first run() not yet started). */
  instanceCreated(instance: string): void;
  /** Consulted as attempt `attempt` of a `step.do` starts (after it is counted): a mock replaces the callback. */
  stepAttempt(instance: string, name: string, index: number, attempt: number): AttemptOverride | undefined;
  /** True: a failed attempt of this `step.do` is retried at once, without its backoff delay. */
  retryDelayDisabled(instance: string, name: string, index: number): boolean;
  /** True: this sleep (`step.sleep` / `step.sleepUntil`) ends at once. */
  sleepDisabled(instance: string, name: string, index: number): boolean;
  /** True: this `step.waitForEvent` times out at once (a buffered event is not taken). */
  eventTimeoutForced(instance: string, name: string, index: number): boolean;
}
