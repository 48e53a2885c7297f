/**
 * `cloudflare:test`'s WorkflowIntrospector on the emulator: for instances whose ids a test does not know in advance
 * (created by the dispatcher, by a tenant through its wrapped binding). `modifyAll` records modifications that apply
 * to every instance of the binding created after `introspectWorkflow()`, before its first `run()`; `get()` returns an
 * introspector for each of them; `dispose` stops capturing and disposes those introspectors.
 */
import { BindingInterceptor, type CaptureSession } from "./binding-interceptor.ts";
import { WorkflowInstanceIntrospector } from "./instance-introspector.ts";
import type { IntrospectedBinding } from "./introspected-binding.ts";
import { modifierFor, type WorkflowInstanceModifier } from "./modifier.ts";

export class WorkflowIntrospector {
  #disposed = false;
  private readonly interceptor: BindingInterceptor;
  private readonly session: CaptureSession;
  private readonly introspectors = new Map<string, WorkflowInstanceIntrospector>();

  constructor(private readonly binding: IntrospectedBinding) {
    this.interceptor = BindingInterceptor.of(binding.engine);
    this.session = this.interceptor.startSession(binding.name);
  }

  /** Modifications for every instance created from now on (checked now: a bad one rejects here). */
  async modifyAll(fn: (m: WorkflowInstanceModifier) => Promise<void>): Promise<void> {
    await fn(
      modifierFor((operation) => {
        BindingInterceptor.check(operation);
        this.session.operations.push(operation);
      }),
    );
  }

  /** An introspector for each instance created since `introspectWorkflow()`, in creation order. */
  async get(): Promise<WorkflowInstanceIntrospector[]> {
    for (const id of this.session.captured) {
      if (!this.introspectors.has(id))
        this.introspectors.set(id, new WorkflowInstanceIntrospector(this.binding, this.interceptor, id));
    }
    return [...this.introspectors.values()];
  }

  dispose = async (): Promise<void> => {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.get();
    this.interceptor.stopSession(this.session);
    await Promise.all([...this.introspectors.values()].map((introspector) => introspector.dispose()));
    this.introspectors.clear();
  };

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
