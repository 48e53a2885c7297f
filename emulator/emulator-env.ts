/**
 * The bindings an emulator gives: the dispatcher's `env` in its isolate's realm (each binding object made for that
 * realm), and the same bindings usable from the host (`Emulator.getBindings()`). Also the KV and R2 stores behind
 * them, one per namespace id or bucket, so bindings naming the same one share it. One place that knows every kind of
 * binding, so a new kind is added to both sides at once.
 */
import type { resolveBindings } from "./bindings/binding-options.ts";
import type { DurableObjects } from "./bindings/durable-objects.ts";
import { KvBinding } from "./bindings/kv-binding.ts";
import { KvStore } from "./bindings/kv-store.ts";
import { R2Binding } from "./bindings/r2-binding.ts";
import { R2Store } from "./bindings/r2-store.ts";
import { registerBinding } from "./emulator-internals.ts";
import type { EmulatorOptions } from "./emulator-options.ts";
import { WorkflowBinding } from "./engine/workflow-binding.ts";
import type { WorkflowEngine } from "./engine/workflow-engine.ts";
import type { SeededIds } from "./lib/seeded-ids.ts";
import type { WorkerLoader } from "./loader/worker-loader.ts";
import { Realm } from "./runtime/realm.ts";
import { transfer } from "./runtime/transfer.ts";
import type { WorkerIsolate } from "./runtime/worker-isolate.ts";

/** Every binding of an emulator, by binding name. */
export interface EmulatorBindingSet {
  readonly options: EmulatorOptions;
  readonly engines: ReadonlyMap<string, WorkflowEngine>;
  readonly loaders: ReadonlyMap<string, WorkerLoader>;
  readonly kv: ReadonlyMap<string, KvStore>;
  readonly r2: ReadonlyMap<string, R2Store>;
  readonly durableObjects: DurableObjects;
}

/** KV namespaces and R2 buckets by binding name; bindings naming the same namespace id or bucket share one store. */
export function bindingStores(
  resolved: ReturnType<typeof resolveBindings>,
  bindingIds: SeededIds,
  now: () => number,
): { kv: Map<string, KvStore>; r2: Map<string, R2Store> } {
  const kv = new Map<string, KvStore>();
  const r2 = new Map<string, R2Store>();
  const kvById = new Map<string, KvStore>();
  for (const [binding, id] of resolved.kv) {
    if (!kvById.has(id)) kvById.set(id, new KvStore(now));
    kv.set(binding, kvById.get(id)!);
  }
  const r2ByName = new Map<string, R2Store>();
  for (const [binding, bucket] of resolved.r2) {
    if (!r2ByName.has(bucket)) r2ByName.set(bucket, new R2Store(now, () => bindingIds.uuid().replaceAll("-", "")));
    r2.set(binding, r2ByName.get(bucket)!);
  }
  return { kv, r2 };
}

/** The dispatcher's `env` in `isolate`'s realm. */
export function dispatcherEnv(set: EmulatorBindingSet, isolate: WorkerIsolate): Record<string, unknown> {
  const { options } = set;
  const env = transfer(options.bindings ?? {}, Realm.host(), isolate.realm, "clone") as Record<string, unknown>;
  for (const [name, engine] of set.engines) env[name] = new WorkflowBinding(engine, isolate.realm);
  for (const [name, loader] of set.loaders) env[name] = loader.binding(isolate.realm);
  for (const [name, store] of set.kv) env[name] = new KvBinding(store, isolate.realm);
  for (const [name, store] of set.r2) env[name] = new R2Binding(store, isolate.realm);
  Object.assign(env, set.durableObjects.envBindings(isolate.realm));
  for (const [name, handler] of Object.entries(options.serviceBindings ?? {})) {
    env[name] = {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) =>
        handler(input instanceof Request ? input : new Request(input, init)),
    };
  }
  return env;
}

/**
 * The same bindings usable from the host: Workflow bindings (registered for introspection, `cloudflare:test`), KV,
 * R2, Durable Object namespaces and plain bindings. `emulator` is the owner the introspection finds.
 */
export function hostBindings(set: EmulatorBindingSet, emulator: object): Record<string, unknown> {
  const host = Realm.host();
  const bindings: Record<string, unknown> = {};
  for (const [name, engine] of set.engines) {
    bindings[name] = new WorkflowBinding(engine, host);
    registerBinding(bindings[name] as object, { emulator, engine, name }); // for introspection (cloudflare:test)
  }
  for (const [name, store] of set.kv) bindings[name] = new KvBinding(store, host);
  for (const [name, store] of set.r2) bindings[name] = new R2Binding(store, host);
  Object.assign(bindings, set.durableObjects.envBindings(host));
  for (const [name, value] of Object.entries(set.options.bindings ?? {})) bindings[name] = value;
  return bindings;
}
