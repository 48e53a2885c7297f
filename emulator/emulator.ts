/**
 * The reference emulator: the Workflows engine and the Worker Loader in-process, running the real dispatcher (and
 * through it the real `@cloudflare/dynamic-workflows`) unmodified.
 *
 * Options follow Miniflare 4's shape wherever Miniflare has the option, so a test can swap one for the other:
 * `modules` / `script` / `scriptPath`, `compatibilityDate`, `compatibilityFlags`, `workflows`, `workerLoaders`,
 * `bindings`, `serviceBindings`; and `ready`, `dispatchFetch`, `getBindings`, `dispose`. Emulator-only options:
 * `profile`, `clock`, `seed`, `startTime`, `trace`, `log`, and eviction policies inside `workerLoaders`.
 *
 * This class is the surface and the wiring; each concept behind it is a file: the options and their checks
 * (emulator-options.ts), time and settling (emulator-settling.ts), the dispatcher isolate (dispatcher-isolate.ts),
 * the bindings (emulator-env.ts), engine and loader hosts (emulator-hosts.ts), snapshots (instance-snapshot.ts).
 */
import { refuseDuplicateNames, refuseUnsupportedBindings, resolveBindings } from "./bindings/binding-options.ts";
import { DurableObjects } from "./bindings/durable-objects.ts";
import { KvBinding } from "./bindings/kv-binding.ts";
import type { KvStore } from "./bindings/kv-store.ts";
import { R2Binding } from "./bindings/r2-binding.ts";
import type { R2Store } from "./bindings/r2-store.ts";
import { Clock, drainMicrotasks } from "./clock.ts";
import { DispatcherIsolate } from "./dispatcher-isolate.ts";
import { bindingStores, dispatcherEnv, type EmulatorBindingSet, hostBindings } from "./emulator-env.ts";
import { engineHost, type HostParts, loaderHost } from "./emulator-hosts.ts";
import { registerInternals } from "./emulator-internals.ts";
import {
  checkClockMode,
  checkServiceBindings,
  checkWorkflowOptions,
  DEFAULT_STEP_LIMIT,
  type EmulatorOptions,
  profileOf,
  refuseUnknownOptions,
  type RunUntilIdleOptions,
} from "./emulator-options.ts";
import { runUntil, settle, type SettlingScope } from "./emulator-settling.ts";
import { WorkflowEngine } from "./engine/workflow-engine.ts";
import { FaultPlan, type CrashFilter, type CrashPoint, type PointContext } from "./faults.ts";
import { type InstanceSnapshot, snapshotOf } from "./instance-snapshot.ts";
import { EmulatorUsageError } from "./lib/errors.ts";
import { SeededIds } from "./lib/seeded-ids.ts";
import { bundleEntry } from "./loader/bundle-entry.ts";
import { dispatcherWorkerCode, givenModules, needsBundling } from "./loader/dispatcher-code.ts";
import { compileWorker } from "./loader/module-compiler.ts";
import { WorkerLoader } from "./loader/worker-loader.ts";
import type { Profile } from "./profiles.ts";
import { Realm } from "./runtime/realm.ts";
import { attachEmulator, detachEmulator } from "./runtime/unhandled-rejections.ts";
import { EntrypointTarget } from "./runtime/worker-isolate.ts";
import { Trace, type Traced } from "./trace.ts";

export type { ModuleDefinition } from "./loader/dispatcher-code.ts";
export type { EmulatorOptions, RunUntilIdleOptions, WorkflowOptions } from "./emulator-options.ts";
export type { InstanceSnapshot } from "./instance-snapshot.ts";

export class Emulator {
  readonly ready: Promise<URL>;
  readonly profile: Profile;
  private readonly faults = new FaultPlan();
  private readonly clock: Clock;
  private readonly traceLog: Trace;
  private readonly ids: SeededIds;
  private readonly engines = new Map<string, WorkflowEngine>();
  private readonly loaders = new Map<string, WorkerLoader>();
  /** KV namespaces and R2 buckets by binding name; bindings naming the same namespace id share one store. */
  private readonly kv: Map<string, KvStore>;
  private readonly r2: Map<string, R2Store>;
  private readonly durableObjects: DurableObjects;
  private readonly log: ((realm: string, level: string, args: unknown[]) => void) | undefined;
  private readonly dispatcher: DispatcherIsolate;
  /** Every binding, for the dispatcher's env and `getBindings()`. */
  private readonly bindingSet: EmulatorBindingSet;
  private disposed = false;

  constructor(private readonly options: EmulatorOptions) {
    refuseUnsupportedBindings((options ?? {}) as Record<string, unknown>);
    refuseUnknownOptions(options);
    this.profile = profileOf(options);
    checkClockMode(options);
    this.clock = new Clock(options.clock ?? "virtual", options.startTime);
    this.traceLog = new Trace(() => this.clock.now(), options.trace ?? true);
    this.ids = new SeededIds(options.seed ?? 1);
    this.log = options.log === false ? () => {} : options.log;
    this.dispatcher = new DispatcherIsolate({
      options,
      clock: this.clock,
      trace: this.traceLog,
      log: this.log,
      disposed: () => this.disposed,
      env: (isolate) => dispatcherEnv(this.bindingSet, isolate),
      exportFor: (name, value, isolate) => this.durableObjects.exportFor(name, value, isolate.realm),
    });
    const parts: HostParts = {
      options,
      profile: this.profile,
      clock: this.clock,
      trace: this.traceLog,
      ids: this.ids,
      faults: this.faults,
      log: this.log,
      loaders: this.loaders,
      dispatcher: this.dispatcher,
      crashPoint: (point, context) => this.crashPoint(point, context),
    };
    const host = engineHost(parts);
    for (const [binding, workflow] of Object.entries(options.workflows ?? {})) {
      checkWorkflowOptions(binding, workflow);
      const limit = workflow.limits?.steps ?? DEFAULT_STEP_LIMIT;
      this.engines.set(binding, new WorkflowEngine({ ...host, stepLimit: limit }, workflow.name, workflow.className));
    }
    for (const [binding, policy] of Object.entries(options.workerLoaders ?? {})) {
      this.loaders.set(binding, new WorkerLoader(binding, loaderHost(parts), policy ?? {}));
    }
    checkServiceBindings(options);
    const resolved = resolveBindings(options);
    refuseDuplicateNames({
      bindings: Object.keys(options.bindings ?? {}),
      workflows: this.engines.keys(),
      workerLoaders: this.loaders.keys(),
      serviceBindings: Object.keys(options.serviceBindings ?? {}),
      kvNamespaces: resolved.kv.keys(),
      r2Buckets: resolved.r2.keys(),
      durableObjects: resolved.durableObjects.keys(),
    });
    // Their own id stream: adding a binding never changes the instance ids a seed gives (fuzz replays stay put).
    const bindingIds = new SeededIds(((options.seed ?? 1) ^ 0x5bd1e995) >>> 0);
    const stores = bindingStores(resolved, bindingIds, () => this.clock.now());
    this.kv = stores.kv;
    this.r2 = stores.r2;
    this.durableObjects = new DurableObjects(
      {
        clock: this.clock,
        trace: this.traceLog,
        dispatcher: () => this.dispatcher.get(),
        newUniqueHex: () => (bindingIds.uuid() + bindingIds.uuid()).replaceAll("-", ""),
      },
      resolved.durableObjects,
    );
    this.bindingSet = {
      options,
      engines: this.engines,
      loaders: this.loaders,
      kv: this.kv,
      r2: this.r2,
      durableObjects: this.durableObjects,
    };
    registerInternals(this, { engines: this.engines, loaders: this.loaders, faults: this.faults });
    // Worker code's unhandled rejections are logged and traced (workerd's behaviour) while this emulator lives.
    attachEmulator(this.clock, this.traceLog);
    this.ready = this.prepare();
    this.ready.catch(() => {}); // surfaced by every later call that awaits it
  }

  // ---------------------------------------------------------------- Miniflare-compatible surface

  async dispatchFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    await this.ready;
    const request = input instanceof Request ? input : new Request(input, init);
    const target = new EntrypointTarget(
      "dispatcher default",
      () => this.dispatcher.get(),
      null,
      undefined,
      Realm.host(),
    );
    try {
      const response = (await target.call("fetch", [request], Realm.host())) as Response;
      // The answer reaches the caller on a later turn of the event loop, as an HTTP response does. Without this, a
      // caller sending requests in a loop (a benchmark creating 10,000 instances) runs them all in one macrotask:
      // no instance can hibernate (that is checked on the next turn) until every one is running at once.
      await drainMicrotasks();
      return response;
    } catch (error) {
      // An uncaught exception in the worker is a 500, as workerd answers it; a crash of the runtime is not an answer.
      if (String(error).includes("emulated crash")) throw error;
      const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return new Response(`Worker threw an uncaught exception: ${shown}`, {
        status: 500,
        headers: { "x-emulator-error": "uncaught" },
      });
    }
  }

  /**
   * The dispatcher's bindings, usable from the host: Workflow bindings, KV, R2, Durable Object namespaces (their
   * objects run in the dispatcher) and plain bindings. Writes through them are the dispatcher's data (e.g. seeding a
   * tenant's code into KV before a run).
   */
  async getBindings<T = Record<string, unknown>>(): Promise<T> {
    await this.ready;
    return hostBindings(this.bindingSet, this) as T;
  }

  /** Miniflare's `getKVNamespace`: one KV binding, usable from the host. */
  async getKVNamespace(binding: string): Promise<KvBinding> {
    await this.ready;
    const store = this.kv.get(binding);
    if (!store)
      throw new EmulatorUsageError(
        `No KV namespace bound as "${binding}" (kvNamespaces: ${[...this.kv.keys()].join(", ") || "none"})`,
      );
    return new KvBinding(store, Realm.host());
  }

  /** Miniflare's `getR2Bucket`: one R2 binding, usable from the host. */
  async getR2Bucket(binding: string): Promise<R2Binding> {
    await this.ready;
    const store = this.r2.get(binding);
    if (!store)
      throw new EmulatorUsageError(
        `No R2 bucket bound as "${binding}" (r2Buckets: ${[...this.r2.keys()].join(", ") || "none"})`,
      );
    return new R2Binding(store, Realm.host());
  }

  /** Miniflare's `getDurableObjectNamespace`: one Durable Object binding, usable from the host. */
  async getDurableObjectNamespace(binding: string): Promise<object> {
    await this.ready;
    const namespace = this.durableObjects.bindingNamed(binding);
    if (!namespace) throw new EmulatorUsageError(`No Durable Object namespace bound as "${binding}"`);
    return namespace.binding(Realm.host());
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.dropMemory();
    detachEmulator();
  }

  // ---------------------------------------------------------------- time

  readonly time = {
    now: (): number => this.clock.now(),
    advance: async (ms: number): Promise<void> => {
      await this.clock.advance(ms);
      await settle(this.traceLog, this.engines);
    },
  };

  /**
   * Moves virtual time forward until every instance is terminal or blocked on something other than a timer
   * (an event, a pause). Event-wait timeouts fire only if time must pass for some other reason, or with
   * `fireTimeouts: true`.
   */
  async runUntilIdle(options: RunUntilIdleOptions = {}): Promise<void> {
    await this.runUntil(() => false, options);
  }

  /**
   * Like `runUntilIdle`, but stops as soon as `condition()` is true (checked whenever the emulator is quiet, before
   * time moves on). Returns true if the condition was met, false if everything became idle first.
   */
  runUntil(condition: () => boolean, options: RunUntilIdleOptions = {}): Promise<boolean> {
    return runUntil(this.settlingScope(), condition, options);
  }

  // ---------------------------------------------------------------- faults

  /**
   * With no point: crash now. With a point: arm a crash that fires the first time execution reaches it.
   * A crash drops every `run()` in flight, every timer and every isolate; durable storage is kept, and (production
   * profile) every non-terminal instance is replayed, as production's alarms do.
   */
  crash(point?: CrashPoint, filter?: CrashFilter): void {
    if (point === undefined) this.crashNow("now");
    else this.faults.arm(point, filter);
  }

  /** Drops dynamic-worker isolates (all, or the given loader ids) from every loader's cache. */
  evict(ids?: readonly string[]): string[] {
    const dropped: string[] = [];
    for (const loader of this.loaders.values()) dropped.push(...loader.evict(ids));
    this.traceLog.record({ type: "fault", kind: "evict", detail: dropped.join(" ") || "(nothing cached)" });
    return dropped;
  }

  /**
   * Drops live Durable Object instances (all, or the given ids as hex strings): their fields and timers are gone, their
   * storage and alarms stay; the next call constructs a fresh instance. Returns the ids dropped.
   */
  evictDurableObjects(ids?: readonly string[]): string[] {
    return this.durableObjects.evict(ids);
  }

  /** The next `times` loads (optionally of one loader id) fail with `message` before getCode runs. */
  failLoader(times: number, message = "Injected Worker Loader failure", id?: string): void {
    this.faults.failLoader(times, message, id);
  }

  trace(): readonly Traced[] {
    return this.traceLog.all();
  }

  /**
   * Hears every trace event synchronously as it is recorded (while tracing is on): a harness places a fault at an
   * exact point of a run from here (`crash(point, filter)`, `evict()`). Returns the unsubscribe function.
   */
  onTrace(listener: (event: Traced) => void): () => void {
    return this.traceLog.subscribe(listener);
  }

  /**
   * A read-only snapshot of every instance of a Workflow binding, in creation order: what a harness may observe
   * without reaching into the engine (durable state only; copies, so nothing here can change the engine).
   */
  instances(binding?: string): InstanceSnapshot[] {
    const name = binding ?? this.engines.keys().next().value;
    const engine = name === undefined ? undefined : this.engines.get(name);
    if (!engine) throw new EmulatorUsageError(`No Workflow binding named "${binding ?? "(none configured)"}"`);
    return [...engine.store.all()].map((record) => snapshotOf(record));
  }

  // ---------------------------------------------------------------- internals

  private settlingScope(): SettlingScope {
    return { ready: this.ready, clock: this.clock, trace: this.traceLog, engines: this.engines, loaders: this.loaders };
  }

  private async prepare(): Promise<URL> {
    const { options } = this;
    // Awaited only when bundling: inline code is ready in the same turn, as it always was.
    const code = needsBundling(options) ? await bundleEntry(options.scriptPath) : givenModules(options);
    this.dispatcher.setCompiled(compileWorker(dispatcherWorkerCode(code, options)));
    // Surface top-level errors of the dispatcher, and Durable Object classes it does not export, now.
    this.durableObjects.checkExports(this.dispatcher.get());
    return new URL("http://emulator.localhost/");
  }

  private crashPoint(point: CrashPoint, context: PointContext): boolean {
    if (!this.faults.take(point, context)) return false;
    this.crashNow(point, context);
    return true;
  }

  private crashNow(point: string, context: PointContext = {}): void {
    const detail = [context.instance, context.step].filter(Boolean).join(" ") || undefined;
    this.traceLog.record({ type: "fault", kind: "crash", point, detail });
    this.dropMemory();
    for (const engine of this.engines.values()) engine.recover();
    this.durableObjects.recover();
  }

  private dropMemory(): void {
    for (const engine of this.engines.values()) engine.crash();
    for (const loader of this.loaders.values()) loader.crash();
    this.durableObjects.crash();
    this.dispatcher.kill();
    this.clock.clear();
  }
}
