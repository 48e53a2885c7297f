/**
 * Turns a worker's normalised modules into code that runs inside a `vm` context, one context per isolate.
 *
 * The measured approach (../shared/notes/running-workers-in-node.md): each ES module becomes CommonJS with esbuild's
 * `transformSync`, is wrapped in a module function and compiled ONCE as a `vm.Script`; every isolate runs that script
 * in its own context to get the function in its own realm, then calls it. So module state and globals are per
 * isolate (WL-03, WL-21) while the same code loaded into 1000 fresh contexts is compiled once. No Node flags needed.
 *
 * Costs of the approach (documented, not hidden): no top-level await (a clear EmulatorUnsupportedError), and
 * `import.meta` is `{}`.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import vm from "node:vm";
import { transformSync, type Message } from "esbuild";
import { EmulatorUnsupportedError } from "../lib/errors.ts";
import type { NormalizedModule } from "./module-extraction.ts";
import type { NormalizedWorkerCode } from "./worker-code.ts";

export interface CompiledWorker {
  mainModule: string;
  modules: Map<string, CompiledModule>;
}

export type CompiledModule =
  | { kind: "script"; script: vm.Script }
  /** text → string, data → ArrayBuffer, json → parsed value, wasm → WebAssembly.Module (host-realm values). */
  | { kind: "value"; valueKind: "text" | "data" | "json" | "wasm"; value: unknown };

/** Supplies `cloudflare:workers`, `node:*`... for one isolate; `undefined` means "no such module". */
export type Builtins = (specifier: string) => unknown;

/** A Map that forgets its least recently used entry beyond `capacity`. */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  clear(): void {
    this.entries.clear();
  }
}

// Bounded so a long run that loads many code versions does not keep every compiled script alive.
const compiledWorkers = new BoundedCache<string, CompiledWorker>(256);
const compiledScripts = new BoundedCache<string, vm.Script>(4096);

/** Cached by `codeHash`: the same code gets the same CompiledWorker object; each module's script by its source. */
export function compileWorker(code: Pick<NormalizedWorkerCode, "mainModule" | "modules" | "codeHash">): CompiledWorker {
  const cached = compiledWorkers.get(code.codeHash);
  if (cached !== undefined) return cached;
  const modules = new Map<string, CompiledModule>();
  for (const module of code.modules) modules.set(module.name, compileModule(module));
  const compiled: CompiledWorker = { mainModule: code.mainModule, modules };
  compiledWorkers.set(code.codeHash, compiled);
  return compiled;
}

/** For tests and benchmarks that measure cold compilation. */
export function clearCompileCaches(): void {
  compiledWorkers.clear();
  compiledScripts.clear();
}

/**
 * Evaluates the worker in `context` and returns the main module's exports object as-is (esbuild's CommonJS output
 * defines getters for the named exports and `default`). Modules run lazily on first `require`, once per call, so
 * every instantiation has its own module state. A module that throws at top level propagates its error unchanged
 * (WL-19: the real message, not a generic one).
 */
export function instantiateWorker(
  compiled: CompiledWorker,
  context: vm.Context,
  builtins: Builtins,
): Record<string, unknown> {
  return new WorkerInstance(compiled, context, builtins).load(compiled.mainModule) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation

/** Same parameters as Node's CommonJS wrapper, kept on the first line so line numbers stay those of the body. */
const WRAPPER_HEAD = "(function (exports, require, module, __filename, __dirname) {";

function compileModule(module: NormalizedModule): CompiledModule {
  switch (module.kind) {
    case "esm":
    case "cjs":
      return { kind: "script", script: compileScript(module.name, module.kind, module.content as string) };
    case "text":
    case "data":
    case "json":
    case "wasm":
      return { kind: "value", valueKind: module.kind, value: module.content };
  }
}

function compileScript(name: string, kind: "esm" | "cjs", source: string): vm.Script {
  const key = createHash("sha256").update(`${kind}\0${name}\0`).update(source).digest("hex");
  const cached = compiledScripts.get(key);
  if (cached !== undefined) return cached;
  // An ES module is strict code; its CommonJS translation must stay strict. CommonJS modules are sloppy by default.
  const head = kind === "esm" ? `${WRAPPER_HEAD}"use strict";` : WRAPPER_HEAD;
  const body = kind === "esm" ? esmToCommonJs(name, source) : source;
  let script: vm.Script;
  try {
    // The trailing newline ends a last-line `//` comment before the closing brace.
    script = new vm.Script(`${head}${body}\n})`, { filename: name });
  } catch (error) {
    throw describeCompileError(name, kind, error, head.length);
  }
  compiledScripts.set(key, script);
  return script;
}

function esmToCommonJs(name: string, source: string): string {
  try {
    return transformSync(source, {
      format: "cjs",
      loader: "js",
      sourcefile: name,
      platform: "neutral",
      // Lower only what this Node's V8 lacks: workerd's V8 is newer and accepts syntax Node 20 does not.
      target: `node${process.versions.node}`,
      // `import()` would need vm's experimental module support; as `require` it resolves like a static import.
      supported: { "dynamic-import": false },
      logLevel: "silent",
    }).code;
  } catch (error) {
    throw describeTransformError(name, error);
  }
}

/** esbuild reports `{ errors: [{ text, location }] }`; re-word it so the message names the module and position. */
function describeTransformError(name: string, error: unknown): Error {
  const messages = (error as { errors?: Message[] }).errors;
  const first = messages?.[0];
  if (first === undefined) return error as Error;
  // esbuild columns are 0-based; V8 stack traces and editors count from 1.
  const where = first.location ? `${name}:${first.location.line}:${first.location.column + 1}` : name;
  if (/top-level await/i.test(first.text)) {
    return new EmulatorUnsupportedError(
      `Top-level await is not supported by this emulator (at ${where}): it runs each module as a CommonJS ` +
        "function. Move the await into a handler, or start the work at top level and await the promise later.",
    );
  }
  const more = messages!.length > 1 ? ` (and ${messages!.length - 1} more errors)` : "";
  return new SyntaxError(`${first.text} at ${where}${more}`);
}

/** V8's SyntaxError from `new vm.Script` does not name the file in its message; put the module and line there. */
function describeCompileError(name: string, kind: "esm" | "cjs", error: unknown, headLength: number): unknown {
  if (!(error instanceof SyntaxError)) return error;
  // The stack starts with "<filename>:<line>\n<source line>\n<spaces>^".
  const [location, , caretLine] = (error.stack ?? "").split("\n");
  const line = location?.startsWith(`${name}:`) ? Number(location.slice(name.length + 1)) : NaN;
  let where = name;
  if (Number.isInteger(line)) {
    const caret = caretLine?.indexOf("^") ?? -1;
    const column = caret < 0 ? undefined : caret + 1 - (line === 1 ? headLength : 0);
    where = column !== undefined && column > 0 ? `${name}:${line}:${column}` : `${name}:${line}`;
  }
  // Lines of an ES module refer to its CommonJS translation, not to the source the caller gave.
  const note = kind === "esm" ? " (in the emulator's CommonJS translation)" : "";
  return new SyntaxError(`${error.message} at ${where}${note}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Instantiation

/** Helpers evaluated inside each context, so module objects, namespaces and errors belong to the worker's realm. */
interface RealmTools {
  newModule(): { exports: unknown };
  /** ESM-style namespace of a value module; `__esModule` makes esbuild's `__toESM` use `default` as is. */
  namespace(value: unknown): Record<string, unknown>;
  copyBytes(bytes: Uint8Array): ArrayBuffer;
  parseJson(text: string): unknown;
  newError(message: string): Error;
}

const REALM_TOOLS = new vm.Script(
  `(function () {
    const defineProperty = Object.defineProperty;
    const RealmArrayBuffer = ArrayBuffer, RealmUint8Array = Uint8Array, RealmError = Error, parse = JSON.parse;
    return {
      newModule() { return { exports: {} }; },
      namespace(value) { const ns = { default: value }; defineProperty(ns, "__esModule", { value: true }); return ns; },
      copyBytes(bytes) {
        const copy = new RealmArrayBuffer(bytes.byteLength);
        new RealmUint8Array(copy).set(bytes);
        return copy;
      },
      parseJson(text) { return parse(text); },
      newError(message) { return new RealmError(message); },
    };
  })()`,
  { filename: "emulator:module-loader" },
);

// Captured at a context's first instantiation, before any worker code can replace its globals.
const realmTools = new WeakMap<vm.Context, RealmTools>();

function realmToolsOf(context: vm.Context): RealmTools {
  let tools = realmTools.get(context);
  if (tools === undefined) {
    tools = REALM_TOOLS.runInContext(context) as RealmTools;
    realmTools.set(context, tools);
  }
  return tools;
}

interface ModuleRecord {
  module: { exports: unknown };
  state: "evaluating" | "evaluated" | "failed";
  error?: unknown;
}

type ModuleFunction = (
  this: unknown,
  exports: unknown,
  require: (specifier: string) => unknown,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

/** One instantiation of a worker in one context: its module records and the `require` each module sees. */
class WorkerInstance {
  private readonly records = new Map<string, ModuleRecord>();
  private readonly builtinModules = new Map<string, unknown>();
  private readonly tools: RealmTools;
  /** Module names by their normalised path (no leading "/" or "./"), for resolving specifiers. */
  private readonly namesByPath = new Map<string, string>();

  constructor(
    private readonly compiled: CompiledWorker,
    private readonly context: vm.Context,
    private readonly builtins: Builtins,
  ) {
    this.tools = realmToolsOf(context);
    for (const name of compiled.modules.keys()) this.namesByPath.set(toBundlePath(name), name);
  }

  load(name: string): unknown {
    const existing = this.records.get(name);
    if (existing !== undefined) {
      // ES module semantics: a module that threw stays failed and rethrows the same error.
      if (existing.state === "failed") throw existing.error;
      // "evaluating" is an import cycle: like CommonJS, hand out the exports defined so far.
      return existing.module.exports;
    }
    const compiledModule = this.compiled.modules.get(name);
    if (compiledModule === undefined) throw new Error(`Module "${name}" is not part of this worker.`);
    const module = this.tools.newModule();
    const record: ModuleRecord = { module, state: "evaluating" };
    this.records.set(name, record);
    try {
      if (compiledModule.kind === "value") {
        module.exports = this.tools.namespace(this.materialize(compiledModule));
      } else {
        const run = compiledModule.script.runInContext(this.context) as ModuleFunction;
        run.call(
          module.exports,
          module.exports,
          (specifier) => this.require(name, specifier),
          module,
          name,
          path.posix.dirname(name),
        );
      }
    } catch (error) {
      record.state = "failed";
      record.error = error;
      throw error;
    }
    record.state = "evaluated";
    return module.exports;
  }

  /**
   * workerd's resolution: `node:`, `cloudflare:` and `workerd:` specifiers are built-ins; any other specifier is a
   * path relative to the importing module. The emulator also accepts a relative path without its `.js`. A bare
   * name that is not a module of the worker falls back to the built-ins (e.g. `buffer` with nodejs_compat).
   */
  private require(importer: string, specifier: unknown): unknown {
    const spec = `${specifier as string}`;
    if (/^(node|cloudflare|workerd):/.test(spec)) return this.builtin(spec, importer);
    const base = spec.startsWith("/") ? "" : path.posix.dirname(toBundlePath(importer));
    const target = toBundlePath(path.posix.join(base, spec));
    const name = this.namesByPath.get(target) ?? this.namesByPath.get(`${target}.js`);
    if (name !== undefined) return this.load(name);
    const relative = spec.startsWith("./") || spec.startsWith("../") || spec.startsWith("/");
    if (!relative) return this.builtin(spec, importer);
    throw this.noSuchModule(target, importer);
  }

  private builtin(specifier: string, importer: string): unknown {
    if (!this.builtinModules.has(specifier)) {
      const value = this.builtins(specifier);
      if (value === undefined) throw this.noSuchModule(specifier, importer);
      this.builtinModules.set(specifier, value);
    }
    return this.builtinModules.get(specifier);
  }

  /** workerd's text (jsg/modules.c++), as an Error of the worker's realm. */
  private noSuchModule(target: string, importer: string): Error {
    return this.tools.newError(`No such module "${target}".\n  imported from "${importer}"`);
  }

  /** Each instantiation gets its own copy in its own realm, so one isolate cannot change another's data or JSON. */
  private materialize(module: Extract<CompiledModule, { kind: "value" }>): unknown {
    switch (module.valueKind) {
      case "text":
        return module.value;
      case "data":
        return this.tools.copyBytes(new Uint8Array(module.value as ArrayBuffer));
      case "json":
        return this.tools.parseJson(JSON.stringify(module.value));
      case "wasm":
        // Shared compiled code, as workerd shares it; being a host object it fails `instanceof` in the worker.
        return module.value;
    }
  }
}

/** Module names are paths inside the bundle; "/a.js", "./a.js" and "a.js" name the same module. */
function toBundlePath(name: string): string {
  return path.posix.normalize(name).replace(/^(\.\/|\/)+/, "");
}
