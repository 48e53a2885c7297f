/**
 * `cloudflare:workers` and `cloudflare:workflows` for code running inside the emulator.
 *
 * The classes are defined INSIDE each realm (not shared from the host) so that `class X extends WorkflowEntrypoint`
 * and `instanceof` behave as in workerd, where every isolate has its own copies. `env` and `exports` are live views
 * of the worker that owns the realm (the library reads `exports.DynamicWorkflowBinding` lazily, at call time).
 */
import vm from "node:vm";

export interface RuntimeModules {
  /** Module namespace objects by specifier. */
  readonly modules: Record<"cloudflare:workers" | "cloudflare:workflows", Record<string, unknown>>;
  readonly RpcTarget: abstract new () => object;
  readonly WorkerEntrypoint: new (ctx: unknown, env: unknown) => object;
  readonly WorkflowEntrypoint: new (ctx: unknown, env: unknown) => object;
  readonly DurableObject: new (ctx: unknown, env: unknown) => object;
  /** Points the live `env` and `exports` bindings at the worker now running in this realm. */
  bindWorker(view: { env: () => unknown; exports: () => unknown }): void;
}

// Evaluated once per realm. Written as source so the classes belong to that realm.
const RUNTIME_SOURCE = `(function () {
  class RpcTarget {}
  class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
  class WorkflowEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
  class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
  class NonRetryableError extends Error {
    constructor(message, name = "NonRetryableError") { super(message); this.name = name; }
  }
  let view = { env: () => ({}), exports: () => ({}) };
  const workers = Object.create(null, {
    RpcTarget: { value: RpcTarget, enumerable: true },
    WorkerEntrypoint: { value: WorkerEntrypoint, enumerable: true },
    WorkflowEntrypoint: { value: WorkflowEntrypoint, enumerable: true },
    DurableObject: { value: DurableObject, enumerable: true },
    env: { get: () => view.env(), enumerable: true },
    exports: { get: () => view.exports(), enumerable: true },
    __esModule: { value: true },
  });
  const workflows = Object.create(null, {
    NonRetryableError: { value: NonRetryableError, enumerable: true },
    __esModule: { value: true },
  });
  return {
    modules: { "cloudflare:workers": workers, "cloudflare:workflows": workflows },
    RpcTarget, WorkerEntrypoint, WorkflowEntrypoint, DurableObject,
    bindWorker(next) { view = next; },
  };
})()`;

const compiled = new vm.Script(RUNTIME_SOURCE, { filename: "emulator:runtime-modules" });

export function buildRuntimeModules(context: vm.Context | null): RuntimeModules {
  return (context ? compiled.runInContext(context) : compiled.runInThisContext()) as RuntimeModules;
}
