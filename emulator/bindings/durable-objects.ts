/**
 * The dispatcher's Durable Object classes: one namespace per class, shared by every binding of that class and by
 * `ctx.exports.<Class>` (`cloudflare:workers` `exports`). A class is a Durable Object class when a `durableObjects`
 * binding names it or when it extends `DurableObject` from `cloudflare:workers` (what wrangler's `migrations`
 * declare; the emulator does not read migrations). Its storage outlives crashes and evictions; its instances do not.
 */
import { EmulatorUsageError } from "../lib/errors.ts";
import type { Realm } from "../runtime/realm.ts";
import type { WorkerIsolate } from "../runtime/worker-isolate.ts";
import type { DurableObjectBinding } from "./binding-options.ts";
import { DurableObjectNamespace, type NamespaceHost } from "./durable-object-namespace.ts";

export class DurableObjects {
  private readonly namespaces = new Map<string, DurableObjectNamespace>();

  constructor(
    private readonly host: NamespaceHost,
    /** Binding name → class, from the options. */
    private readonly bindings: ReadonlyMap<string, DurableObjectBinding>,
  ) {
    for (const { className } of bindings.values()) this.namespace(className);
  }

  /** Every bound class must be a class the dispatcher exports: checked when the dispatcher starts. */
  checkExports(isolate: WorkerIsolate): void {
    for (const [binding, { className }] of this.bindings) {
      if (typeof isolate.exports[className] === "function") continue;
      const exported = Object.keys(isolate.exports).filter((name) => name !== "default" && name !== "__esModule");
      throw new EmulatorUsageError(
        `durableObjects.${binding}: the dispatcher does not export a class named "${className}" (its named exports: ` +
          `${exported.length > 0 ? exported.join(", ") : "none"}). Export the Durable Object class from the ` +
          "dispatcher's main module, or fix the class name.",
      );
    }
  }

  /** `env.<BINDING>` for each Durable Object binding, for code in `caller`. */
  envBindings(caller: Realm): Record<string, unknown> {
    const env: Record<string, unknown> = {};
    for (const [binding, { className }] of this.bindings) env[binding] = this.namespace(className).binding(caller);
    return env;
  }

  /** `ctx.exports.<name>` when the export is a Durable Object class: its namespace; otherwise undefined. */
  exportFor(name: string, value: unknown, realm: Realm): unknown {
    const base = (realm.runtime.DurableObject as unknown as { prototype: object }).prototype;
    const proto = typeof value === "function" ? (value as { prototype?: unknown }).prototype : undefined;
    const extendsDurableObject =
      typeof proto === "object" && proto !== null && Object.prototype.isPrototypeOf.call(base, proto);
    return this.namespaces.has(name) || extendsDurableObject ? this.namespace(name).binding(realm) : undefined;
  }

  namespace(className: string): DurableObjectNamespace {
    let namespace = this.namespaces.get(className);
    if (!namespace) {
      namespace = new DurableObjectNamespace(className, this.host);
      this.namespaces.set(className, namespace);
    }
    return namespace;
  }

  /** A host-side namespace object for a binding (tests, seeding), as Miniflare's getDurableObjectNamespace. */
  bindingNamed(binding: string): DurableObjectNamespace | undefined {
    const spec = this.bindings.get(binding);
    return spec ? this.namespace(spec.className) : undefined;
  }

  evict(ids?: readonly string[]): string[] {
    const dropped: string[] = [];
    for (const namespace of this.namespaces.values()) {
      const gone = namespace.evict(ids);
      if (gone.length > 0)
        this.host.trace.record({ type: "durableObject.evict", className: namespace.className, ids: gone });
      dropped.push(...gone);
    }
    return dropped;
  }

  crash(): void {
    for (const namespace of this.namespaces.values()) namespace.crash();
  }

  recover(): void {
    for (const namespace of this.namespaces.values()) namespace.recover();
  }
}
