/**
 * `cloudflare:test`'s WorkflowInstanceModifier — the `m` in `instance.modify(async (m) => …)` — as data: every call
 * becomes one Operation, so `introspectWorkflow().modifyAll` can record operations now and apply them to each
 * instance created later (as the vitest plugin does), and `introspectWorkflowInstance().modify` applies them at once.
 */
import { describeValue } from "../lib/describe-value.ts";
import { EmulatorUsageError } from "../lib/errors.ts";
import type { StepSelector } from "./step-selector.ts";

export type Operation =
  | { type: "disableSleeps"; steps?: StepSelector[] }
  | { type: "disableRetryDelays"; steps?: StepSelector[] }
  | { type: "mockStepResult"; step: StepSelector; stepResult: unknown }
  | { type: "mockStepError"; step: StepSelector; error: { name: string; message: string }; times?: number }
  | { type: "forceStepTimeout"; step: StepSelector; times?: number }
  | { type: "mockEvent"; event: { type: string; payload: unknown } }
  | { type: "forceEventTimeout"; step: StepSelector };

/** Same names, arguments and meaning as the vitest plugin's (workers-sdk `cloudflare-test.d.ts`). */
export interface WorkflowInstanceModifier {
  /** `step.sleep` / `step.sleepUntil` end at once: all of them, or the listed ones (`index` 1-based, default 1). */
  disableSleeps(steps?: StepSelector[]): Promise<void>;
  /** Failed attempts of `step.do` are retried at once (every attempt still runs): all steps, or the listed ones. */
  disableRetryDelays(steps?: StepSelector[]): Promise<void>;
  /** The step returns `stepResult` without running its callback. Mocking the same step twice is an error. */
  mockStepResult(step: StepSelector, stepResult: unknown): Promise<void>;
  /** The step's attempts throw `error` (name and message) without running the callback: `times` attempts, or all. */
  mockStepError(step: StepSelector, error: Error, times?: number): Promise<void>;
  /** The step's attempts time out at once without running the callback: `times` attempts, or all. */
  forceStepTimeout(step: StepSelector, times?: number): Promise<void>;
  /** Sends an event to the instance (before it exists too: it is buffered for its first wait of that type). */
  mockEvent(event: { type: string; payload: unknown }): Promise<void>;
  /** That `step.waitForEvent` times out at once. */
  forceEventTimeout(step: StepSelector): Promise<void>;
}

/** A modifier whose every call hands its Operation to `apply` (which may throw: the call then rejects). */
export function modifierFor(apply: (operation: Operation) => void): WorkflowInstanceModifier {
  const run = async (operation: Operation) => apply(operation);
  return {
    disableSleeps: (steps) => run({ type: "disableSleeps", steps }),
    disableRetryDelays: (steps) => run({ type: "disableRetryDelays", steps }),
    mockStepResult: (step, stepResult) => run({ type: "mockStepResult", step, stepResult }),
    mockStepError: async (step, error, times) => {
      if (typeof error !== "object" || error === null || typeof (error as Error).message !== "string") {
        throw new EmulatorUsageError(
          `[WorkflowIntrospector] mockStepError() needs an Error to throw, e.g. new Error("boom"); got ${describeValue(error)}`,
        );
      }
      return run({ type: "mockStepError", step, error: { name: error.name, message: error.message }, times });
    },
    forceStepTimeout: (step, times) => run({ type: "forceStepTimeout", step, times }),
    mockEvent: (event) => run({ type: "mockEvent", event }),
    forceEventTimeout: (step) => run({ type: "forceEventTimeout", step }),
  };
}
