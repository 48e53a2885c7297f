/**
 * The StepInterceptor of one Workflow binding's engine: the modifications of each introspected instance, and the
 * `introspectWorkflow` sessions that capture instances as they are created and apply their recorded operations
 * before the instance's first `run()` starts. Installed on the engine the first time a test introspects it.
 */
import type { AttemptOverride, StepInterceptor } from "../engine/step-interceptor.ts";
import type { WorkflowEngine } from "../engine/workflow-engine.ts";
import { EmulatorUsageError } from "../lib/errors.ts";
import { InstanceModifications } from "./instance-modifications.ts";
import type { Operation } from "./modifier.ts";

/** One `introspectWorkflow()` call: the operations of its `modifyAll` calls, and the instances it captured. */
export interface CaptureSession {
  readonly operations: Operation[];
  readonly captured: string[];
}

export class BindingInterceptor implements StepInterceptor {
  private readonly instances = new Map<string, InstanceModifications>();
  private readonly sessions = new Set<CaptureSession>();

  private constructor(private readonly engine: WorkflowEngine) {}

  /** The engine's interceptor, installed on first use. */
  static of(engine: WorkflowEngine): BindingInterceptor {
    if (engine.interceptor instanceof BindingInterceptor) return engine.interceptor;
    const interceptor = new BindingInterceptor(engine);
    engine.interceptor = interceptor;
    return interceptor;
  }

  /** Applies one operation to an instance (created or not yet). */
  apply(instance: string, operation: Operation): void {
    this.modifications(instance).apply(operation, (event) => this.send(instance, event));
  }

  /** Checks operations without keeping them: a bad one throws now, not when a later instance is created. */
  static check(operation: Operation): void {
    new InstanceModifications().apply(operation, () => true);
  }

  /** VT-03: one active session per workflow, as the plugin has it. */
  startSession(binding: string): CaptureSession {
    if (this.sessions.size > 0) {
      throw new EmulatorUsageError(
        `Workflow "${this.engine.name}" already has an active introspection session for binding "${binding}". Dispose the first introspectWorkflow() (await using, or dispose()) before starting another.`,
      );
    }
    const session: CaptureSession = { operations: [], captured: [] };
    this.sessions.add(session);
    return session;
  }

  stopSession(session: CaptureSession): void {
    this.sessions.delete(session);
  }

  /** Forgets an instance's modifications (the introspector was disposed). */
  forget(instance: string): void {
    this.instances.delete(instance);
  }

  // ---------------------------------------------------------------- StepInterceptor

  instanceCreated(instance: string): void {
    for (const session of this.sessions) {
      session.captured.push(instance);
      for (const operation of session.operations) this.apply(instance, operation);
    }
    const modifications = this.instances.get(instance);
    for (const event of modifications?.pendingEvents.splice(0) ?? []) this.send(instance, event);
  }

  stepAttempt(instance: string, name: string, index: number, attempt: number): AttemptOverride | undefined {
    return this.instances.get(instance)?.stepAttempt(name, index, attempt);
  }

  retryDelayDisabled(instance: string, name: string, index: number): boolean {
    return this.instances.get(instance)?.retryDelayDisabled(name, index) ?? false;
  }

  sleepDisabled(instance: string, name: string, index: number): boolean {
    return this.instances.get(instance)?.sleepDisabled(name, index) ?? false;
  }

  eventTimeoutForced(instance: string, name: string, index: number): boolean {
    return this.instances.get(instance)?.eventTimeoutForced(name, index) ?? false;
  }

  // ---------------------------------------------------------------- helpers

  private modifications(instance: string): InstanceModifications {
    let modifications = this.instances.get(instance);
    if (!modifications) {
      modifications = new InstanceModifications();
      this.instances.set(instance, modifications);
    }
    return modifications;
  }

  /** Sends a mocked event as `instance.sendEvent` would; false if the instance does not exist yet. */
  private send(instance: string, event: { type: string; payload: unknown }): boolean {
    if (!this.engine.store.get(instance)) return false;
    this.engine.sendEvent(instance, event);
    return true;
  }
}
