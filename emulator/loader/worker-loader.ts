/**
 * The Worker Loader (spec B). `get(id, getCode)` returns a stub synchronously (WL-02); the isolate for an id is
 * cached and `getCode` is not called again while it is warm (WL-03); `load(code)` is never cached (WL-05).
 *
 * Eviction (WL-04, WL-21): production may drop an isolate whenever it is idle; the emulator does it on demand
 * (`evict()`), by capacity (least recently used idle isolate first), or whenever an isolate is idle
 * (`evictWhenIdle`). An evicted isolate keeps serving calls already running in it; the next request for its id
 * loads a fresh isolate (calling `getCode` again), so module state is visibly lost.
 */
import { mutated } from "../mutations.ts";
import type { Clock } from "../clock.ts";
import type { FaultPlan } from "../faults.ts";
import { EmulatorUsageError } from "../lib/errors.ts";
import type { Profile } from "../profiles.ts";
import { createHash } from "node:crypto";
import { types } from "node:util";
import { serialize } from "node:v8";
import { invoke } from "../runtime/invoke.ts";
import { never } from "../runtime/never.ts";
import { rebuildError } from "../runtime/rebuild-error.ts";
import { isStub, serviceStub } from "../runtime/rpc-stubs.ts";
import { transfer } from "../runtime/transfer.ts";
import { Realm } from "../runtime/realm.ts";
import { EntrypointTarget, WorkerIsolate } from "../runtime/worker-isolate.ts";
import type { Trace } from "../trace.ts";
import { compileWorker } from "./module-compiler.ts";
import { streamingTailLog } from "./streaming-tails.ts";
import { assertEnvSize, normalizeWorkerCode, type NormalizedWorkerCode } from "./worker-code.ts";

export interface LoaderPolicy {
  /** Most isolates kept warm at once (LRU beyond that). Default: unlimited. */
  capacity?: number;
  /** Drop every isolate as soon as it is idle (the harshest production schedule). Default: false. */
  evictWhenIdle?: boolean;
}

export interface LoaderHost {
  readonly clock: Clock;
  readonly trace: Trace;
  readonly profile: Profile;
  readonly faults: FaultPlan;
  /** Crash-point hook; true means the emulator crashed here and the caller must stop. */
  crashPoint(point: "insideLoader", context: { step?: string }): boolean;
  log?: (realm: string, level: string, args: unknown[]) => void;
  /** The dispatcher has the `experimental` compatibility flag: `allowExperimental` is allowed (WL-14). */
  experimental?: boolean;
}

type GetCode = () => unknown;

interface CacheEntry {
  id: string;
  isolate: Promise<WorkerIsolate>;
  settled: WorkerIsolate | null;
}

export class WorkerLoader {
  private readonly cache = new Map<string, CacheEntry>();
  private isolateSeq = 0;
  /** Bumped by every crash: a load started before a crash must not land in the cache after it. */
  private epoch = 0;
  /** Every isolate ever started and still reachable, for crash (all die) and idle sweeps. */
  private readonly live = new Set<WorkerIsolate>();

  constructor(
    readonly bindingName: string,
    private readonly host: LoaderHost,
    private readonly policy: LoaderPolicy = {},
  ) {
    if (policy.capacity !== undefined && !(Number.isInteger(policy.capacity) && policy.capacity >= 1)) {
      throw new EmulatorUsageError(
        `workerLoaders.${bindingName}.capacity must be an integer >= 1, got ${policy.capacity}`,
      );
    }
  }

  /** The `env.LOADER` object for code running in `caller` (the dispatcher). */
  binding(caller: Realm): object {
    // Errors thrown at the dispatcher are errors of its own realm (instanceof TypeError works there).
    const inCallerRealm = <T>(body: () => T): T => {
      try {
        return body();
      } catch (error) {
        throw types.isNativeError(error) ? rebuildError(error as Error, caller) : error;
      }
    };
    return {
      get: (id: unknown, getCode: unknown) => inCallerRealm(() => this.get(id, getCode, caller)),
      load: (code: unknown) => inCallerRealm(() => this.load(code, caller)),
    };
  }

  get(id: unknown, getCode: unknown, caller: Realm): object {
    if (id !== null && id !== undefined && typeof id !== "string")
      throw new TypeError("LOADER.get(id, getCode): id must be a string or null");
    if (typeof getCode !== "function")
      throw new TypeError("LOADER.get(id, getCode): getCode must be a function returning WorkerCode");
    if (id === null || id === undefined)
      return this.stubFor(this.startLoad(null, getCode as GetCode, caller), caller, "anonymous");
    // A dead dispatcher (crashed) may still run a few synchronous lines: it must not touch the shared cache.
    if (!caller.alive) return this.stubFor(() => never(), caller, id);
    if (mutated("warmIdCallsGetCode")) this.cache.delete(id);
    const cold = !this.cache.has(id);
    this.host.trace.record({ type: "loader.get", binding: this.bindingName, id, getCodeRan: cold });
    // WL-06 [workerd]: getCode starts as soon as get() is called, before any request.
    if (cold) this.entryFor(id, getCode as GetCode, caller);
    return this.stubFor(new NamedResolver(this, id, getCode as GetCode, caller).resolve, caller, id);
  }

  /** The isolate serving `id` for a stub made by `get` (cached, or loaded again after an eviction). */
  resolveNamed(id: string, getCode: GetCode, caller: Realm): Promise<WorkerIsolate> {
    return caller.alive ? this.entryFor(id, getCode, caller).isolate : never();
  }

  load(code: unknown, caller: Realm): object {
    // WL-05: validation errors throw synchronously from load().
    const normalized = normalizeWorkerCode(code, { parentExperimental: this.host.experimental });
    // WL-05 / WL-12: the env is checked now, as workerd processes load() eagerly.
    const hostCode = {
      ...normalized,
      env: transfer(normalized.env, caller, Realm.host(), "env") as Record<string, unknown>,
    };
    assertEnvSize(envByteLength(hostCode.env));
    let isolate: Promise<WorkerIsolate> | null = null;
    const resolve = () => (isolate ??= this.startUncached(hostCode));
    return this.stubFor(resolve, caller, "load");
  }

  /** The isolate of a `load(code)` stub: an injected loader failure hits it as it hits a `get` (its label: "load"). */
  private async startUncached(code: NormalizedWorkerCode): Promise<WorkerIsolate> {
    const injected = this.host.faults.takeLoaderFailure("load");
    if (injected !== undefined) {
      this.host.trace.record({ type: "fault", kind: "loaderFailure", detail: `load: ${injected}` });
      throw new Error(injected);
    }
    return this.startIsolate("load", code);
  }

  /** Drops isolates from the cache (all, or the given ids). Returns the ids dropped. */
  evict(ids?: readonly string[], reason: "explicit" | "capacity" | "idle" = "explicit"): string[] {
    const dropped: string[] = [];
    for (const id of ids ?? [...this.cache.keys()]) {
      if (mutated("evictKeepsIsolate") ? this.cache.has(id) : this.cache.delete(id)) dropped.push(id);
    }
    if (dropped.length > 0)
      this.host.trace.record({ type: "loader.evict", binding: this.bindingName, ids: dropped, reason });
    return dropped;
  }

  /** With `evictWhenIdle`, drops every cached isolate with no call running for a live execution. */
  sweepIdle(): void {
    if (!this.policy.evictWhenIdle) return;
    const idle = [...this.cache.values()].filter((e) => e.settled && !e.settled.realm.busy).map((e) => e.id);
    if (idle.length > 0) this.evict(idle, "idle");
  }

  /** A crash: every isolate dies (calls into them never settle) and the cache is empty. */
  crash(): void {
    this.epoch++;
    for (const isolate of this.live) isolate.realm.kill();
    this.live.clear();
    this.cache.clear();
  }

  cachedIds(): string[] {
    return [...this.cache.keys()];
  }

  private entryFor(id: string, getCode: GetCode, caller: Realm): CacheEntry {
    const existing = this.cache.get(id);
    if (existing) {
      // Least recently used order: re-insert on use.
      this.cache.delete(id);
      this.cache.set(id, existing);
      return existing;
    }
    const entry: CacheEntry = { id, isolate: null as unknown as Promise<WorkerIsolate>, settled: null };
    const epoch = this.epoch;
    entry.isolate = this.startLoad(id, getCode, caller)();
    if (this.epoch !== epoch) return entry; // the emulator crashed inside this load (crash point insideLoader)
    entry.isolate.then(
      (isolate) => {
        entry.settled = isolate;
      },
      () => {
        // WL-06: workerd keeps a failed named load cached; production does not promise that, so it retries.
        if (!this.host.profile.loaderCachesFailures && this.cache.get(id) === entry) this.cache.delete(id);
      },
    );
    entry.isolate.catch(() => {}); // failures surface on each request, not as unhandled rejections
    this.cache.set(id, entry);
    this.enforceCapacity(id);
    return entry;
  }

  private startLoad(id: string | null, getCode: GetCode, caller: Realm): () => Promise<WorkerIsolate> {
    return async () => {
      const label = id ?? "anonymous";
      if (this.host.crashPoint("insideLoader", { step: label })) return never();
      const injected = this.host.faults.takeLoaderFailure(label);
      if (injected !== undefined) {
        this.host.trace.record({ type: "fault", kind: "loaderFailure", detail: `${label}: ${injected}` });
        this.host.trace.record({
          type: "loader.getCode",
          binding: this.bindingName,
          id: label,
          isolate: "",
          ok: false,
          error: injected,
        });
        throw new Error(injected);
      }
      let code: NormalizedWorkerCode;
      const epoch = this.epoch;
      try {
        // getCode is the dispatcher's own function: run it there and bring the WorkerCode back as host values.
        const raw = await invoke(caller, Realm.host(), () => getCode());
        // A crash while getCode ran: the load died with the emulator (its isolate would never serve; no trace).
        if (this.epoch !== epoch) return never();
        code = normalizeWorkerCode(raw, { via: "get", parentExperimental: this.host.experimental });
        assertEnvSize(envByteLength(code.env));
        const isolate = this.startIsolate(label, code);
        this.host.trace.record({
          type: "loader.getCode",
          binding: this.bindingName,
          id: label,
          isolate: isolate.label,
          ok: true,
          code: codeIdentity(code),
        });
        return isolate;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.host.trace.record({
          type: "loader.getCode",
          binding: this.bindingName,
          id: label,
          isolate: "",
          ok: false,
          error: message,
        });
        throw error;
      }
    };
  }

  private startIsolate(label: string, code: NormalizedWorkerCode): WorkerIsolate {
    const compiled = asStartFailure(() => compileWorker(code));
    const isolateLabel = `${label}#${++this.isolateSeq}`;
    const isolate = new WorkerIsolate({
      label: isolateLabel,
      compiled,
      clock: this.host.clock,
      log:
        code.streamingTails.length > 0
          ? streamingTailLog(code.streamingTails, isolateLabel, this.host.clock, this.host.log)
          : this.host.log,
      fetch: outboundFetch(code.globalOutbound),
      compatibilityDate: code.compatibilityDate,
      compatibilityFlags: code.compatibilityFlags,
      env: (self) => transfer(code.env, Realm.host(), self.realm, "env") as Record<string, unknown>,
    });
    this.live.add(isolate);
    return isolate;
  }

  private stubFor(resolve: () => Promise<WorkerIsolate>, caller: Realm, id: string): object {
    return makeWorkerStub(`${this.bindingName}:${id}`, resolve, caller, entrypointStub, durableObjectClassUnsupported);
  }

  private enforceCapacity(keep: string): void {
    const capacity = this.policy.capacity;
    if (capacity === undefined) return;
    for (const entry of [...this.cache.values()]) {
      if (this.cache.size <= capacity) return;
      if (entry.id === keep || entry.settled?.realm.busy) continue;
      this.evict([entry.id], "capacity");
    }
  }
}

/**
 * What `get` and `load` return. Its members are own properties, as before, but made by one shared factory compiled
 * with `new Function`: a stub is made for every request the dispatcher routes, and under tsx (npm start, fuzz,
 * bench) esbuild's keepNames wraps every named closure in `__name(fn, "x")` (see runtime/rpc-stubs.ts).
 */
type WorkerStubMembers = (
  label: string,
  resolve: () => Promise<WorkerIsolate>,
  caller: Realm,
  entrypoint: (
    label: string,
    resolve: () => Promise<WorkerIsolate>,
    name: unknown,
    props: unknown,
    caller: Realm,
  ) => unknown,
  unsupported: () => never,
) => object;
const makeWorkerStub = new Function(
  "label",
  "resolve",
  "caller",
  "entrypoint",
  "unsupported",
  `return {
    getEntrypoint: (name, options) => entrypoint(label, resolve, name, options == null ? undefined : options.props, caller),
    getDurableObjectClass: () => unsupported(),
  };`,
) as WorkerStubMembers;

function entrypointStub(
  label: string,
  resolve: () => Promise<WorkerIsolate>,
  name: unknown,
  props: unknown,
  caller: Realm,
): unknown {
  const entry = name as string | null | undefined;
  return serviceStub(new EntrypointTarget(`${label} ${entry ?? "default"}`, resolve, entry, props, caller), caller);
}

function durableObjectClassUnsupported(): never {
  throw new Error("getDurableObjectClass() is not supported by the emulator (Durable Object facets are out of scope).");
}

/** `resolve` for a stub made by `get`, as a prototype method bound once (no named closure per stub). */
class NamedResolver {
  readonly resolve: () => Promise<WorkerIsolate>;

  constructor(
    private readonly loader: WorkerLoader,
    private readonly id: string,
    private readonly getCode: GetCode,
    private readonly caller: Realm,
  ) {
    this.resolve = this.run.bind(this);
  }

  private run(): Promise<WorkerIsolate> {
    return this.loader.resolveNamed(this.id, this.getCode, this.caller);
  }
}

/** WL-11: the serialised size of an env; bindings (stubs) count as a small fixed reference. */
function envByteLength(env: Record<string, unknown>): number {
  const placeholders = new Map<unknown, unknown>();
  const replace = (value: unknown): unknown => {
    if (isStub(value)) return "[binding]";
    if (value === null || typeof value !== "object") return value;
    if (placeholders.has(value)) return placeholders.get(value);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      placeholders.set(value, out);
      for (const item of value) out.push(replace(item));
      return out;
    }
    if (Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      placeholders.set(value, out);
      for (const [k, v] of Object.entries(value)) out[k] = replace(v);
      return out;
    }
    return value;
  };
  return serialize(replace(env)).byteLength;
}

/** WL-13: no globalOutbound inherits the parent's; null blocks fetch; a Fetcher receives every global fetch. */
function outboundFetch(
  outbound: NormalizedWorkerCode["globalOutbound"],
): ((input: unknown, init?: unknown) => Promise<Response>) | undefined {
  if (outbound === "inherit") return undefined;
  if (outbound === null) {
    return async () => {
      throw new Error(
        "This worker is not permitted to access the internet via global functions like fetch(). It must use capabilities (such as bindings in 'env') to talk to the outside world.",
      );
    };
  }
  const fetcher = outbound as { fetch: (input: unknown, init?: unknown) => Promise<Response> };
  return (input, init) => fetcher.fetch(input, init);
}

/** An isolate's code identity for the trace: a digest of its main module's source (see `loader.getCode`). */
function codeIdentity(code: NormalizedWorkerCode): string | undefined {
  const main = code.modules.find((module) => module.name === code.mainModule)?.content;
  return typeof main === "string" ? createHash("sha256").update(main).digest("hex").slice(0, 16) : undefined;
}

/**
 * A module that does not parse fails the load as workerd words it — `Error: Failed to start Worker:\nUncaught
 * SyntaxError: <what> \n  at index.js:1:25` — so a dispatcher that shows only `error.message` still says SyntaxError
 * and the module (the description itself is esbuild's or V8's, not always workerd's).
 */
function asStartFailure<T>(compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const at = error.message.lastIndexOf(" at ");
    const [what, where] = at < 0 ? [error.message, ""] : [error.message.slice(0, at), error.message.slice(at + 4)];
    throw new Error(`Failed to start Worker:\nUncaught SyntaxError: ${what}${where ? `\n  at ${where}` : ""}`);
  }
}
