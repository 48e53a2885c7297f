/**
 * The modifications a test made to one instance, and the answers the engine asks of them (StepInterceptor). Same
 * rules as the vitest plugin's engine: a mocked error wins over a forced timeout, which wins over a mocked result;
 * `times` mocks of one step (errors and timeouts) cover consecutive attempts, the first call's from attempt 1, the
 * next call's after those; with no `times`, every attempt. Kept outside the engine's durable state, so a crash keeps
 * them (the plugin keeps them in the instance's storage, which a restart keeps too).
 */
import { describeValue } from "../lib/describe-value.ts";
import { EmulatorUsageError } from "../lib/errors.ts";
import type { AttemptOverride } from "../engine/step-interceptor.ts";
import type { Operation } from "./modifier.ts";
import { selectorKey, selectorKeys, stepKey, type StepSelector } from "./step-selector.ts";

export class InstanceModifications {
  private allSleeps = false;
  private readonly sleeps = new Set<string>();
  private allRetryDelays = false;
  private readonly retryDelays = new Set<string>();
  private readonly results = new Map<string, { value: unknown }>();
  /** Mocks for every attempt of a step (no `times`), by step key and kind ("error", "timeout"). */
  private readonly always = new Map<string, AttemptOverride>();
  /** Mocks for given attempts of a step: step key → attempt number → override. */
  private readonly byAttempt = new Map<string, Map<number, AttemptOverride>>();
  /** The first attempt the next `times` mock of a step covers. */
  private readonly nextMockedAttempt = new Map<string, number>();
  private readonly eventTimeouts = new Set<string>();
  /** Events mocked before the instance existed: sent as it is created. */
  readonly pendingEvents: Array<{ type: string; payload: unknown }> = [];

  /**
   * Applies one operation. `sendEvent` delivers a mocked event to the instance if it exists (false: it does not yet,
   * and the event waits in `pendingEvents`).
   */
  apply(operation: Operation, sendEvent: (event: { type: string; payload: unknown }) => boolean): void {
    switch (operation.type) {
      case "disableSleeps":
        this.disable(operation.steps, "disableSleeps", this.sleeps, () => {
          this.allSleeps = true;
        });
        return;
      case "disableRetryDelays":
        this.disable(operation.steps, "disableRetryDelays", this.retryDelays, () => {
          this.allRetryDelays = true;
        });
        return;
      case "mockStepResult": {
        const key = selectorKey(operation.step, "mockStepResult");
        if (this.results.has(key)) {
          throw new EmulatorUsageError(
            `[WorkflowIntrospector] Trying to mock step '${operation.step.name}' multiple times!`,
          );
        }
        this.results.set(key, { value: operation.stepResult });
        return;
      }
      case "mockStepError":
        this.mockAttempts(operation.step, "mockStepError", operation.times, {
          kind: "error",
          error: operation.error,
        });
        return;
      case "forceStepTimeout":
        this.mockAttempts(operation.step, "forceStepTimeout", operation.times, { kind: "timeout" });
        return;
      case "mockEvent": {
        const event = operation.event as { type?: unknown; payload?: unknown } | null;
        if (typeof event !== "object" || event === null || typeof event.type !== "string") {
          throw new EmulatorUsageError(
            `[WorkflowIntrospector] mockEvent() needs { type: string, payload }, got ${describeValue(event)}`,
          );
        }
        const mocked = { type: event.type, payload: event.payload };
        if (!sendEvent(mocked)) this.pendingEvents.push(mocked);
        return;
      }
      case "forceEventTimeout":
        this.eventTimeouts.add(selectorKey(operation.step, "forceEventTimeout"));
        return;
    }
  }

  // ---------------------------------------------------------------- what the engine asks

  stepAttempt(name: string, index: number, attempt: number): AttemptOverride | undefined {
    const key = stepKey(name, index);
    const once = this.byAttempt.get(key)?.get(attempt);
    for (const kind of ["error", "timeout"] as const) {
      const always = this.always.get(`${key}\u0000${kind}`);
      if (always) return always;
      if (once?.kind === kind) return once;
    }
    const result = this.results.get(key);
    return result ? { kind: "result", value: result.value } : undefined;
  }

  retryDelayDisabled(name: string, index: number): boolean {
    return this.allRetryDelays || this.retryDelays.has(stepKey(name, index));
  }

  sleepDisabled(name: string, index: number): boolean {
    return this.allSleeps || this.sleeps.has(stepKey(name, index));
  }

  eventTimeoutForced(name: string, index: number): boolean {
    return this.eventTimeouts.has(stepKey(name, index));
  }

  // ---------------------------------------------------------------- helpers

  private disable(steps: unknown, method: string, named: Set<string>, all: () => void): void {
    const keys = selectorKeys(steps, method);
    if (keys === undefined) all();
    else for (const key of keys) named.add(key);
  }

  private mockAttempts(step: StepSelector, method: string, times: unknown, override: AttemptOverride): void {
    const key = selectorKey(step, method);
    if (this.results.has(key)) {
      const what = method === "mockStepError" ? "mock error on" : "force timeout on";
      throw new EmulatorUsageError(
        `[WorkflowIntrospector] Trying to ${what} step '${step.name}' after mocking its result!`,
      );
    }
    if (times === undefined || times === 0) {
      this.always.set(`${key}\u0000${override.kind}`, override);
      return;
    }
    if (typeof times !== "number" || !Number.isInteger(times) || times < 0) {
      throw new EmulatorUsageError(
        `[WorkflowIntrospector] ${method}(): times must be a whole number of attempts (or left out for every attempt), got ${describeValue(times)}`,
      );
    }
    const first = this.nextMockedAttempt.get(key) ?? 1;
    this.nextMockedAttempt.set(key, first + times);
    const attempts = this.byAttempt.get(key) ?? new Map<number, AttemptOverride>();
    for (let attempt = first; attempt < first + times; attempt++) attempts.set(attempt, override);
    this.byAttempt.set(key, attempts);
  }
}
