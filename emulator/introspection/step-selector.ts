/**
 * How `cloudflare:test` names a step: `{ name, index? }`, where `index` (1-based, default 1) picks among the steps
 * of one kind that share the name — the emulator's occurrence `count`.
 */
import { describeValue as describe } from "../lib/describe-value.ts";
import { EmulatorUsageError } from "../lib/errors.ts";

export interface StepSelector {
  name: string;
  index?: number;
}

/** One key per (name, index), for the lookup tables of instance-modifications.ts. */
export function stepKey(name: string, index: number): string {
  return `${name}\u0000${index}`;
}

/** The key of a selector a test passed, checked: a bad one is a clear error naming the method and the fix. */
export function selectorKey(step: unknown, method: string): string {
  const selector = step as StepSelector | null | undefined;
  if (typeof selector !== "object" || selector === null || typeof selector.name !== "string") {
    throw new EmulatorUsageError(
      `[WorkflowIntrospector] ${method}() needs a step like { name: "charge", index?: 1 }, got ${describe(step)}`,
    );
  }
  const index = selector.index ?? 1;
  if (!Number.isInteger(index) || index < 1) {
    throw new EmulatorUsageError(
      `[WorkflowIntrospector] ${method}(): the index of step "${selector.name}" is 1-based (the first step with that name is index 1), got ${describe(selector.index)}`,
    );
  }
  return stepKey(selector.name, index);
}

/** Selectors of `disableSleeps` / `disableRetryDelays`: undefined means every step. */
export function selectorKeys(steps: unknown, method: string): string[] | undefined {
  if (steps === undefined) return undefined;
  if (!Array.isArray(steps)) {
    throw new EmulatorUsageError(
      `[WorkflowIntrospector] ${method}() takes an array of steps like [{ name: "nap" }], or nothing for every step; got ${describe(steps)}`,
    );
  }
  return steps.map((step) => selectorKey(step, method));
}
