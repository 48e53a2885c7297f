/**
 * The reference emulator: the Workflows engine and the Worker Loader in-process, running the real dispatcher (and
 * through it the real `@cloudflare/dynamic-workflows`) unmodified.
 *
 * Options follow Miniflare 4's shape wherever Miniflare has the option, so a test can swap one for the other:
 * `modules` / `script` / `scriptPath`, `compatibilityDate`, `compatibilityFlags`, `workflows`, `workerLoaders`,
 * `bindings`, `serviceBindings`; and `ready`, `dispatchFetch`, `getBindings`, `dispose`. Emulator-only options:
 * `profile`, `clock`, `seed`, `startTime`, `trace`, `log`, and eviction policies inside `workerLoaders`.
 */
import {
  type BindingOptions,
  refuseDuplicateNames,
  refuseUnsupportedBindings,
  resolveBindings,
} from "./bindings/binding-options.ts";
import { DurableObjects } from "./bindings/durable-objects.ts";
import { KvBinding } from "./bindings/kv-binding.ts";
import { KvStore } from "./bindings/kv-store.ts";
import { R2Binding } from "./bindings/r2-binding.ts";
import { R2Store } from "./bindings/r2-store.ts";
import { Clock, drainMicrotasks, type ClockMode } from "./clock.ts";
import type { InstanceStatusName } from "./engine/status.ts";
import { Admission } from "./engine/admission.ts";
import type { EngineHost } from "./engine/engine-host.ts";
import { type ProductionLimitOptions, resolveProductionLimits } from "./engine/production-limits.ts";
import { WorkflowBinding } from "./engine/workflow-binding.ts";
import { WorkflowEngine } from "./engine/workflow-engine.ts";
import { registerBinding, registerInternals } from "./emulator-internals.ts";
import { FaultPlan, type CrashFilter, type CrashPoint, type PointContext } from "./faults.ts";
import { EmulatorUsageError } from "./lib/errors.ts";
import { SeededIds } from "./lib/seeded-ids.ts";
import { validateWorkflowName } from "./lib/validators.ts";
import { bundleEntry } from "./loader/bundle-entry.ts";
import { dispatcherWorkerCode, givenModules, needsBundling, type ModuleDefinition } from "./loader/dispatcher-code.ts";
import { compileWorker, type CompiledWorker } from "./loader/module-compiler.ts";
import { WorkerLoader, type LoaderPolicy } from "./loader/worker-loader.ts";
import { PROFILES, type Profile, type ProfileName } from "./profiles.ts";
import { rpcActivity } from "./runtime/invoke.ts";
import { transfer } from "./runtime/transfer.ts";
import { Realm } from "./runtime/realm.ts";
import { attachEmulator, detachEmulator } from "./runtime/unhandled-rejections.ts";
import { EntrypointTarget, WorkerIsolate } from "./runtime/worker-isolate.ts";
import { Trace, type Traced } from "./trace.ts";

export type { ModuleDefinition } from "./loader/dispatcher-code.ts";

export interface WorkflowOptions {
  /** The workflow's name (WF-72), as in wrangler's `workflows[].name`. */
  name: string;
  /** The exported class of the dispatcher that implements `run()`. */
  className: string;
  /** WF-91: `limits.steps`; default 10,000. */
  limits?: { steps?: number };
}

export interface EmulatorOptions extends BindingOptions {
  /** Miniflare shape: the dispatcher's modules (first is main), or `true` with `scriptPath`. */
  modules?: ModuleDefinition[] | boolean;
  /** The main module's source (ES module). */
  script?: string;
  /** A file to bundle with esbuild (TypeScript and npm imports are fine). */
  scriptPath?: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  workflows?: Record<string, WorkflowOptions>;
  /** Miniflare shape `{ LOADER: {} }`; emulator-only eviction policy keys `capacity` and `evictWhenIdle`. */
  workerLoaders?: Record<string, LoaderPolicy>;
  /** Vars and secrets: plain values (strings, numbers, JSON), copied into the dispatcher's env. */
  bindings?: Record<string, unknown>;
  /** Service bindings handled in Node: `(request) => Response`. */
  serviceBindings?: Record<string, (request: Request) => Response | Promise<Response>>;
  /** Production or local-engine (wrangler dev) behaviour where they differ. Default "production". */
  profile?: ProfileName;
  /** Virtual time (default) or wall-clock time. */
  clock?: ClockMode;
  /** Seeds generated ids, so a run replays exactly. Default 1. */
  seed?: number;
  /** Virtual start time (epoch ms). Default 2026-01-01T00:00:00Z. */
  startTime?: number;
  /** Record trace events (default true). */
  trace?: boolean;
  /** Where worker `console.*` goes. Default: the host console; `false` silences it. */
  log?: ((realm: string, level: string, args: unknown[]) => void) | false;
  /**
   * A safety valve: an instance replayed more often than this ends errored with EmulatorLivelockError (e.g. step
   * names that change on every replay, so nothing is ever cached). Default 10,000.
   */
  maxLifetimesPerInstance?: number;
  /**
   * WF-92 / WF-94: set or switch off (`false`) each production limit: `stepCpuMs`, `creationsPerSecond`,
   * `runningInstances`, `queuedInstances`, and the `cpuMeter` that reads CPU time. Default: the profile's (production
   * 30 s, 100/s, 50,000, 2,000,000; local none). docs/profiles.md#production-limits.
   */
  productionLimits?: ProductionLimitOptions;
  /**
   * How long after a crash (`crash()`, an armed crash point) the production profile restarts the instances it
   * interrupted, in virtual ms. Default 0: at once. A real restart comes later, so `Date.now()` read outside a step
   * differs in the next lifetime; `dwc explore` sets a delay so a step name built from the clock shows up.
   */
  restartDelayMs?: number;
}

/** One instance as `Emulator.instances()` shows it. */
export interface InstanceSnapshot {
  id: string;
  status: InstanceStatusName;
  /** `create()`'s params exactly as persisted (after the profile's encoding of the create options). */
  params: unknown;
  /** Virtual epoch ms. */
  createdAt: number;
  output: unknown;
  error: { name: string; message: string } | null;
  /** Events sent but not yet taken by a wait, per type. */
  bufferedEvents: Record<string, number>;
  /** `run()` lifetimes started so far. */
  lifetimes: number;
}

export interface RunUntilIdleOptions {
  /** Stop with an error if more virtual time than this passes (a workflow that never ends). Default 10 years. */
  maxAdvanceMs?: number;
  /**
   * Also move time to pending `waitForEvent` timeouts, so an instance waiting for an event that never comes times
   * out (and, unless it catches the error, ends errored). Default false: an event wait is "blocked", and time only
   * reaches its timeout if it must pass for something else (a sleep, a retry, `time.advance`).
   */
  fireTimeouts?: boolean;
}

const DEFAULT_STEP_LIMIT = 10_000;
/**
 * How many rounds `settle()` lets promise chains run before it gives up. Work that ends is quiet within a few rounds
 * (two at most, over 800 fuzz scenarios); code that never stops reaches this bound in about a second.
 */
const SETTLE_ROUNDS = 10_000;
const TEN_YEARS_MS = 10 * 365 * 86_400_000;
const KNOWN_OPTIONS = new Set([
  "modules",
  "script",
  "scriptPath",
  "compatibilityDate",
  "compatibilityFlags",
  "workflows",
  "workerLoaders",
  "bindings",
  "serviceBindings",
  "kvNamespaces",
  "r2Buckets",
  "durableObjects",
  "profile",
  "clock",
  "seed",
  "startTime",
  "trace",
  "log",
  "maxLifetimesPerInstance",
  "productionLimits",
  "restartDelayMs",
]);

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
  private readonly kv = new Map<string, KvStore>();
  private readonly r2 = new Map<string, R2Store>();
  private readonly durableObjects: DurableObjects;
  private readonly log: ((realm: string, level: string, args: unknown[]) => void) | undefined;
  private compiled: CompiledWorker | null = null;
  private dispatcher: WorkerIsolate | null = null;
  private dispatcherSeq = 0;
  private disposed = false;

  constructor(private readonly options: EmulatorOptions) {
    refuseUnsupportedBindings((options ?? {}) as Record<string, unknown>);
    for (const key of Object.keys(options ?? {})) {
      if (!KNOWN_OPTIONS.has(key))
        throw new EmulatorUsageError(
          `Unknown emulator option "${key}". Known options: ${[...KNOWN_OPTIONS].join(", ")}`,
        );
    }
    const profile = PROFILES[options.profile ?? "production"];
    if (!profile)
      throw new EmulatorUsageError(`profile must be "production" or "local", got ${JSON.stringify(options.profile)}`);
    this.profile = profile;
    if (options.clock !== undefined && options.clock !== "virtual" && options.clock !== "real") {
      throw new EmulatorUsageError(`clock must be "virtual" or "real", got ${JSON.stringify(options.clock)}`);
    }
    this.clock = new Clock(options.clock ?? "virtual", options.startTime);
    this.traceLog = new Trace(() => this.clock.now(), options.trace ?? true);
    this.ids = new SeededIds(options.seed ?? 1);
    this.log = options.log === false ? () => {} : options.log;
    const host = this.engineHost();
    for (const [binding, workflow] of Object.entries(options.workflows ?? {})) {
      if (!workflow || typeof workflow.className !== "string") {
        throw new EmulatorUsageError(`workflows.${binding} needs { name, className }`);
      }
      const scriptName = (workflow as { scriptName?: unknown }).scriptName;
      if (scriptName !== undefined) {
        throw new EmulatorUsageError(
          `workflows.${binding} names scriptName "${scriptName}": a Workflow of another worker is not supported by the ` +
            "emulator (it runs one worker, the dispatcher). Export the workflow class from the dispatcher, or run this " +
            "subject on the workerd target.",
        );
      }
      validateWorkflowName(workflow.name);
      const limit = workflow.limits?.steps ?? DEFAULT_STEP_LIMIT;
      this.engines.set(binding, new WorkflowEngine({ ...host, stepLimit: limit }, workflow.name, workflow.className));
    }
    for (const [binding, policy] of Object.entries(options.workerLoaders ?? {})) {
      this.loaders.set(binding, new WorkerLoader(binding, this.loaderHost(), policy ?? {}));
    }
    for (const [binding, handler] of Object.entries(options.serviceBindings ?? {})) {
      if (typeof handler !== "function") {
        throw new EmulatorUsageError(
          `serviceBindings.${binding} must be a function (request) => Response handled in Node, got ${JSON.stringify(handler)}: ` +
            "the emulator runs one worker, so a binding to another worker by name is not supported. Serve it with a " +
            "function, or run this subject on the workerd target.",
        );
      }
    }
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
    const now = () => this.clock.now();
    const kvById = new Map<string, KvStore>();
    for (const [binding, id] of resolved.kv) {
      if (!kvById.has(id)) kvById.set(id, new KvStore(now));
      this.kv.set(binding, kvById.get(id)!);
    }
    const r2ByName = new Map<string, R2Store>();
    for (const [binding, bucket] of resolved.r2) {
      if (!r2ByName.has(bucket)) r2ByName.set(bucket, new R2Store(now, () => bindingIds.uuid().replaceAll("-", "")));
      this.r2.set(binding, r2ByName.get(bucket)!);
    }
    this.durableObjects = new DurableObjects(
      {
        clock: this.clock,
        trace: this.traceLog,
        dispatcher: () => this.dispatcherIsolate(),
        newUniqueHex: () => (bindingIds.uuid() + bindingIds.uuid()).replaceAll("-", ""),
      },
      resolved.durableObjects,
    );
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
      () => this.dispatcherIsolate(),
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
    const host = Realm.host();
    const bindings: Record<string, unknown> = {};
    for (const [name, engine] of this.engines) {
      bindings[name] = new WorkflowBinding(engine, host);
      registerBinding(bindings[name] as object, { emulator: this, engine, name }); // for introspection (cloudflare:test)
    }
    for (const [name, store] of this.kv) bindings[name] = new KvBinding(store, host);
    for (const [name, store] of this.r2) bindings[name] = new R2Binding(store, host);
    Object.assign(bindings, this.durableObjects.envBindings(host));
    for (const [name, value] of Object.entries(this.options.bindings ?? {})) bindings[name] = value;
    return bindings as T;
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
      await this.settle();
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
  async runUntil(condition: () => boolean, options: RunUntilIdleOptions = {}): Promise<boolean> {
    await this.ready;
    const limit = options.maxAdvanceMs ?? TEN_YEARS_MS;
    const start = this.clock.now();
    for (;;) {
      await this.settle();
      for (const loader of this.loaders.values()) loader.sweepIdle();
      if (condition()) return true;
      const busy = [...this.engines.values()].some((engine) => engine.hasScheduledWork(options.fireTimeouts));
      if (!busy) return false;
      if (this.clock.mode === "real") {
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      const next = this.clock.nextTimerAt();
      if (next === undefined) return false; // only waiting on something outside the emulator
      if (next - start > limit) {
        throw new Error(
          `runUntilIdle: instances were still busy after ${limit} ms of virtual time (a workflow that never ends?). Busy: ${this.busyInstances().join(", ")}`,
        );
      }
      await this.clock.fireNext();
    }
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
    return [...engine.store.all()].map((record) => ({
      id: record.id,
      status: record.status,
      params: structuredClone(record.params),
      createdAt: record.createdAt,
      output: record.output === null ? undefined : structuredClone(record.output.value),
      error: record.error === null ? null : { ...record.error },
      bufferedEvents: Object.fromEntries([...record.eventBuffer].map(([type, events]) => [type, events.length])),
      lifetimes: record.generation,
    }));
  }

  // ---------------------------------------------------------------- internals

  /**
   * Lets every promise chain run until nothing more happens without time passing: a round drains the microtask queue
   * twice and counts trace events and calls across realms; a round in which neither moved is quiet. Code that keeps
   * them moving forever would never let virtual time advance, so after SETTLE_ROUNDS rounds this throws.
   */
  private async settle(): Promise<void> {
    let events = 0;
    let calls = 0;
    for (let rounds = 0; rounds < SETTLE_ROUNDS; rounds++) {
      events = this.traceLog.activity;
      calls = rpcActivity.calls;
      await drainMicrotasks();
      await drainMicrotasks();
      events = this.traceLog.activity - events;
      calls = rpcActivity.calls - calls;
      if (events + calls === 0) return;
    }
    const busy = this.busyInstances();
    throw new Error(
      `The emulator could not settle: after ${SETTLE_ROUNDS} rounds of letting promise chains run, work was still going on ` +
        `without time passing (in the last round: ${events} trace events, ${calls} calls across realms). Some worker ` +
        "code never stops scheduling work, e.g. a loop that calls a step or a binding again as soon as the previous " +
        "call settles: make it wait (step.sleep, a timer) or end. " +
        `Busy instances: ${busy.length > 0 ? busy.join(", ") : "none"}.`,
    );
  }

  private async prepare(): Promise<URL> {
    const { options } = this;
    // Awaited only when bundling: inline code is ready in the same turn, as it always was.
    const code = needsBundling(options) ? await bundleEntry(options.scriptPath) : givenModules(options);
    this.compiled = compileWorker(dispatcherWorkerCode(code, options));
    // Surface top-level errors of the dispatcher, and Durable Object classes it does not export, now.
    this.durableObjects.checkExports(this.dispatcherIsolate());
    return new URL("http://emulator.localhost/");
  }

  private dispatcherIsolate(): WorkerIsolate {
    if (this.disposed) throw new EmulatorUsageError("This emulator has been disposed.");
    if (this.dispatcher) return this.dispatcher;
    if (!this.compiled) throw new EmulatorUsageError("The emulator is not ready yet: await emulator.ready first.");
    const label = `dispatcher#${++this.dispatcherSeq}`;
    this.dispatcher = new WorkerIsolate({
      label,
      compiled: this.compiled,
      clock: this.clock,
      log: this.log,
      compatibilityDate: this.options.compatibilityDate ?? "2026-01-01",
      compatibilityFlags: this.options.compatibilityFlags ?? [],
      env: (isolate) => this.dispatcherEnv(isolate),
      exportFor: (name, value, isolate) => this.durableObjects.exportFor(name, value, isolate.realm),
    });
    this.traceLog.record({ type: "dispatcher.start", isolate: label });
    return this.dispatcher;
  }

  private dispatcherEnv(isolate: WorkerIsolate): Record<string, unknown> {
    const env = transfer(this.options.bindings ?? {}, Realm.host(), isolate.realm, "clone") as Record<string, unknown>;
    for (const [name, engine] of this.engines) env[name] = new WorkflowBinding(engine, isolate.realm);
    for (const [name, loader] of this.loaders) env[name] = loader.binding(isolate.realm);
    for (const [name, store] of this.kv) env[name] = new KvBinding(store, isolate.realm);
    for (const [name, store] of this.r2) env[name] = new R2Binding(store, isolate.realm);
    Object.assign(env, this.durableObjects.envBindings(isolate.realm));
    for (const [name, handler] of Object.entries(this.options.serviceBindings ?? {})) {
      env[name] = {
        fetch: async (input: RequestInfo | URL, init?: RequestInit) =>
          handler(input instanceof Request ? input : new Request(input, init)),
      };
    }
    return env;
  }

  private engineHost(): EngineHost {
    const compatDate = this.options.compatibilityDate ?? "2026-01-01";
    const flags = this.options.compatibilityFlags ?? [];
    const from = this.profile.preserveNonRetryableMessageFrom;
    const preserve =
      (this.profile.honoursPreserveFlag && flags.includes("workflows_preserve_non_retryable_error_message")) ||
      (from !== null && compatDate >= from);
    const limits = resolveProductionLimits(this.profile, this.options.productionLimits);
    return {
      clock: this.clock,
      trace: this.traceLog,
      profile: this.profile,
      limits,
      admission: new Admission(limits.runningInstances, limits.queuedInstances),
      stepLimit: DEFAULT_STEP_LIMIT,
      maxLifetimes: this.options.maxLifetimesPerInstance ?? 10_000,
      restartDelayMs: this.options.restartDelayMs ?? 0,
      preserveNonRetryableMessage: preserve,
      runWorkflow: (className, event, step) =>
        new EntrypointTarget(
          `dispatcher ${className}`,
          () => this.dispatcherIsolate(),
          className,
          undefined,
          Realm.host(),
        ).call("run", [event, step], Realm.host()),
      crashPoint: (point, context) => this.crashPoint(point, context),
      newId: () => this.ids.uuid(),
      onQuiet: () => {
        for (const loader of this.loaders.values()) loader.sweepIdle();
      },
    };
  }

  private loaderHost() {
    return {
      clock: this.clock,
      trace: this.traceLog,
      profile: this.profile,
      faults: this.faults,
      log: this.log,
      experimental: (this.options.compatibilityFlags ?? []).includes("experimental"),
      crashPoint: (point: "insideLoader", context: { step?: string }) => this.crashPoint(point, context),
    };
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
    this.dispatcher?.realm.kill();
    this.dispatcher = null;
    this.clock.clear();
  }

  private busyInstances(): string[] {
    const busy: string[] = [];
    for (const engine of this.engines.values()) {
      for (const id of engine.instanceIds()) {
        const status = engine.status(id).status;
        if (status === "running" || status === "waiting" || status === "queued")
          busy.push(`${engine.name}/${id} (${status})`);
      }
    }
    return busy;
  }
}
