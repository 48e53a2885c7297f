/**
 * Validation and normalisation of the `WorkerCode` object passed to `LOADER.get(id, getCode)` and `LOADER.load(code)`
 * (spec §B: WL-07 to WL-11, WL-13, WL-14).
 *
 * The checks run in workerd's order and throw workerd's error classes and texts, so a conformance case sees the same
 * first error on every target. Sources (workerd 6552d999): `src/workerd/api/worker-loader.{h,c++}` (the checks),
 * `src/workerd/jsg/{struct.h,value.h,util.c++}` (how JSG converts the struct fields and words its TypeErrors) and
 * `src/workerd/io/compatibility-date.c++` (date and flag errors). The order there is: convert the struct fields in
 * declaration order, then `extractSource` (modules, Python mix, code size), then `extractCompatFlags`
 * (`allowExperimental`, flags, date), then `env` size, then `streamingTails`; a missing main module only surfaces when
 * the worker starts.
 *
 * Values may come from another realm (the dispatcher runs in a vm context), so nothing here relies on `instanceof`.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { types } from "node:util";
import { EmulatorUnsupportedError } from "../lib/errors.ts";

export type ModuleKind = "esm" | "cjs" | "text" | "data" | "json" | "wasm";

export interface NormalizedModule {
  name: string;
  kind: ModuleKind;
  /** esm, cjs, text: the source string; data: a private copy of the bytes; json: the parsed value; wasm: the module. */
  content: string | ArrayBuffer | unknown /* json value */ | WebAssembly.Module;
}

export interface NormalizedWorkerCode {
  compatibilityDate: string;
  compatibilityFlags: string[];
  mainModule: string;
  modules: NormalizedModule[];
  /** The caller's object, unserialised: the realm layer copies it into the child and calls `assertEnvSize`. */
  env: Record<string, unknown>;
  /** WL-13: `"inherit"` when left out, `null` to block `fetch()`, otherwise a Fetcher-like object. */
  globalOutbound: "inherit" | null | unknown /* a Fetcher-like object with fetch() */;
  /** WL-14: tail Workers (Fetcher-like objects); empty when left out. */
  tails: unknown[];
  /** WL-17: `null` when left out. */
  limits: { cpuMs?: number; subRequests?: number } | null;
  /** sha256 over everything that affects compiled code, for caching compiled scripts */
  codeHash: string;
}

export interface NormalizeOptions {
  /**
   * Which loader call received the code. Only the wording of the "not an object" TypeError depends on it: `load()`
   * converts its argument, `get()` converts what the `getCode` promise resolved to. Default `"load"`.
   */
  via?: "load" | "get";
  /** Today's UTC date (YYYY-MM-DD) for the future-date check. Defaults to the host clock, as production uses. */
  today?: string;
}

/** WD-L `MAX_DYNAMIC_WORKER_CODE_SIZE` (WL-11). */
export const MAX_DYNAMIC_WORKER_CODE_SIZE = 64 * 1024 * 1024;
/** WD-L `MAX_DYNAMIC_WORKER_ENV_SIZE` (WL-11). */
export const MAX_DYNAMIC_WORKER_ENV_SIZE = 1024 * 1024;

const UINT32_MAX = 4_294_967_295;

/**
 * WL-11: the env cap. Measuring needs the realm layer's serialiser (workerd estimates the serialised `Frankenvalue`),
 * so that layer measures and calls this.
 */
export function assertEnvSize(byteLength: number): void {
  if (byteLength > MAX_DYNAMIC_WORKER_ENV_SIZE) {
    throw new Error(
      `Dynamic Worker env size (${byteLength} bytes) exceeds the maximum allowed size of ${MAX_DYNAMIC_WORKER_ENV_SIZE} bytes.`,
    );
  }
}

export function normalizeWorkerCode(code: unknown, options: NormalizeOptions = {}): NormalizedWorkerCode {
  const fields = convertWorkerCodeStruct(code, options.via ?? "load");
  const { modules, sizes } = extractModules(fields);
  checkCodeSize(modules, sizes, fields.mainModule);
  checkCompatibility(fields, options.today ?? new Date().toISOString().slice(0, 10));
  if (fields.streamingTails !== undefined) {
    // WL-14: streaming tails need `allowExperimental`, which the check above refuses whenever it is set.
    throw new Error(
      "Streaming tail workers are experimental. You must pass the option 'allowExperimental: true' to the worker loader to use them",
    );
  }
  // workerd raises this when the worker starts (worker.c++), after every check above.
  if (!modules.some((module) => module.name === fields.mainModule)) {
    throw new TypeError("Main module name is not present in bundle.");
  }
  if (isPythonName(fields.mainModule)) {
    throw new EmulatorUnsupportedError(
      `Python Workers are not supported by this emulator: the main module "${fields.mainModule}" is a Python module.`,
    );
  }
  return {
    compatibilityDate: fields.compatibilityDate,
    compatibilityFlags: fields.compatibilityFlags,
    mainModule: fields.mainModule,
    modules: modules as NormalizedModule[],
    env: fields.env,
    globalOutbound: fields.globalOutbound,
    tails: fields.tails,
    limits: fields.limits,
    codeHash: computeCodeHash(fields.mainModule, modules as NormalizedModule[]),
  };
}

/**
 * The cache key for compiled code: the main module's name and each module's name, kind and content. Compatibility
 * settings, env and outbound do not change compiled scripts, so they stay out (the isolate cache keys by id anyway).
 * Exported so code that builds modules itself (e.g. `bundleEntry`) gets a key the same way.
 */
export function computeCodeHash(mainModule: string, modules: readonly NormalizedModule[]): string {
  const hash = createHash("sha256");
  const field = (text: string) => hash.update(`${Buffer.byteLength(text)}:${text}`);
  field(mainModule);
  for (const module of modules) {
    field(module.kind);
    field(module.name);
    switch (module.kind) {
      case "data": {
        const bytes = new Uint8Array(module.content as ArrayBuffer);
        field(String(bytes.byteLength));
        hash.update(bytes);
        break;
      }
      case "json":
        field(JSON.stringify(module.content));
        break;
      case "wasm":
        field(wasmIdentity(module.content as WebAssembly.Module));
        break;
      default:
        field(module.content as string);
    }
  }
  return hash.digest("hex");
}

// ---------------------------------------------------------------------------------------------------------------
// Step 1: JSG struct conversion (`WorkerLoader::WorkerCode`), field by field in declaration order.

interface WorkerCodeFields {
  compatibilityDate: string;
  compatibilityFlags: string[];
  allowExperimental: boolean;
  limits: { cpuMs?: number; subRequests?: number } | null;
  mainModule: string;
  modules: Array<{ name: string; value: ModuleValue }>;
  env: Record<string, unknown>;
  globalOutbound: unknown;
  tails: unknown[];
  streamingTails: unknown[] | undefined;
}

/** One entry of `modules` after conversion: a plain string, a compiled wasm module, or the `Module` struct. */
type ModuleValue =
  | { form: "string"; text: string }
  | { form: "wasm-module"; module: WebAssembly.Module }
  | { form: "struct"; fields: ModuleStruct };

interface ModuleStruct {
  js?: string;
  cjs?: string;
  text?: string;
  data?: ArrayBuffer;
  json?: { value: unknown };
  py?: string;
  /** Tagged: a WebAssembly.Module is structurally an empty object, so TS cannot tell it from bytes by shape. */
  wasm?: { compiled: WebAssembly.Module } | { bytes: ArrayBuffer };
}

function convertWorkerCodeStruct(code: unknown, via: "load" | "get"): WorkerCodeFields {
  if (code === undefined || code === null) {
    // workerd prints the mangled C++ type name here; the readable name carries the same meaning.
    throw new TypeError("Cannot initialize WorkerCode with required members from an undefined or null value.");
  }
  if (!isObject(code)) {
    throw new TypeError(
      via === "load"
        ? "Failed to execute 'load' on 'WorkerLoader': parameter 1 is not of type 'WorkerCode'."
        : "Incorrect type for Promise: the Promise did not resolve to 'WorkerCode'.",
    );
  }
  // Read each field exactly once (getters run once, as with JSG). Unknown keys are ignored, as JSG_STRUCT does.
  const source = code as Record<string, unknown>;
  const compatibilityDate = toJsString(source.compatibilityDate);
  const compatibilityFlags = convertOptionalArray(source.compatibilityFlags, "compatibilityFlags", toJsString) ?? [];
  const allowExperimental = Boolean(source.allowExperimental);
  const limits = convertLimits(source.limits);
  const mainModule = toJsString(source.mainModule);
  const modules = convertModules(source.modules);
  const env = convertEnv(source.env);
  const globalOutbound = convertGlobalOutbound(source.globalOutbound);
  const tails = convertOptionalArray(source.tails, "tails", toFetcher) ?? [];
  const streamingTails = convertOptionalArray(source.streamingTails, "streamingTails", toFetcher);
  return {
    compatibilityDate,
    compatibilityFlags,
    allowExperimental,
    limits,
    mainModule,
    modules,
    env,
    globalOutbound,
    tails,
    streamingTails,
  };
}

function structFieldError(field: string, struct: string, expected: string): TypeError {
  return new TypeError(
    `Incorrect type for the '${field}' field on '${struct}': the provided value is not of type '${expected}'.`,
  );
}

/** JSG coerces any value to a string (ToString), so only a Symbol fails; the template literal throws V8's TypeError. */
function toJsString(value: unknown): string {
  return `${value as string}`;
}

function convertOptionalArray<T>(
  value: unknown,
  field: string,
  convertElement: (element: unknown, index: number) => T,
): T[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw structFieldError(field, "WorkerCode", "Array");
  return value.map((element, index) => convertElement(element, index));
}

function isFetcherLike(value: unknown): boolean {
  return isObject(value) && typeof (value as { fetch?: unknown }).fetch === "function";
}

function toFetcher(value: unknown, index: number): unknown {
  if (!isFetcherLike(value)) {
    throw new TypeError(`Incorrect type for array element ${index}: the provided value is not of type 'Fetcher'.`);
  }
  return value;
}

/** WL-17, `ResourceLimits`: a struct of two optional `uint32_t` (a struct of optionals accepts null as empty). */
function convertLimits(value: unknown): { cpuMs?: number; subRequests?: number } | null {
  if (value === undefined) return null;
  if (value === null) return {};
  if (!isObject(value)) throw structFieldError("limits", "WorkerCode", "ResourceLimits");
  const source = value as Record<string, unknown>;
  const limits: { cpuMs?: number; subRequests?: number } = {};
  const cpuMs = source.cpuMs;
  if (cpuMs !== undefined) limits.cpuMs = toUint32(cpuMs);
  const subRequests = source.subRequests;
  if (subRequests !== undefined) limits.subRequests = toUint32(subRequests);
  return limits;
}

/** JSG's `uint32_t` conversion: ToNumber, then finite, non-negative and in range; fractions are truncated. */
function toUint32(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX) return value;
  const number = +(value as number); // throws V8's TypeError for Symbol and BigInt, like ToNumber
  if (!Number.isFinite(number)) throw new TypeError("The value cannot be converted because it is not an integer.");
  if (number < 0) {
    throw new TypeError(
      "The value cannot be converted because it is negative and this API expects a positive number.",
    );
  }
  if (number > UINT32_MAX) throw new TypeError(`Value out of range. Must be less than or equal to ${UINT32_MAX}.`);
  return Math.trunc(number);
}

/** `jsg::Dict<OneOf<WasmModuleObject, Module, String>>`: a non-array object, read by its own enumerable keys. */
function convertModules(value: unknown): Array<{ name: string; value: ModuleValue }> {
  if (!isObject(value) || Array.isArray(value)) throw structFieldError("modules", "WorkerCode", "object");
  const source = value as Record<string, unknown>;
  return Object.keys(source).map((name) => ({ name, value: convertModuleValue(source[name]) }));
}

function convertModuleValue(value: unknown): ModuleValue {
  if (isWasmModule(value)) return { form: "wasm-module", module: value };
  // `Module` has only optional members, so JSG builds an empty one from null or undefined (WL-09 then counts 0).
  if (value === undefined || value === null) return { form: "struct", fields: {} };
  if (isObject(value)) return { form: "struct", fields: convertModuleStruct(value as Record<string, unknown>) };
  return { form: "string", text: toJsString(value) };
}

function convertModuleStruct(source: Record<string, unknown>): ModuleStruct {
  const fields: ModuleStruct = {};
  const js = source.js;
  if (js !== undefined) fields.js = toJsString(js);
  const cjs = source.cjs;
  if (cjs !== undefined) fields.cjs = toJsString(cjs);
  const text = source.text;
  if (text !== undefined) fields.text = toJsString(text);
  const data = source.data;
  if (data !== undefined) {
    // workerd copies the bytes so a later resize or transfer by the caller cannot reach the child.
    fields.data = copyBytes(data) ?? throwError(structFieldError("data", "Module", "ArrayBuffer or ArrayBufferView"));
  }
  const json = source.json;
  if (json !== undefined) fields.json = { value: json };
  const py = source.py;
  if (py !== undefined) fields.py = toJsString(py);
  const wasm = source.wasm;
  if (wasm !== undefined) {
    fields.wasm = isWasmModule(wasm)
      ? { compiled: wasm }
      : {
          bytes:
            copyBytes(wasm) ??
            throwError(structFieldError("wasm", "Module", "ArrayBuffer or ArrayBufferView or WasmModuleObject")),
        };
  }
  return fields;
}

/** `Optional<JsRef<JsObject>>`: any object (functions included); null is not undefined, so it fails. */
function convertEnv(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value)) throw structFieldError("env", "WorkerCode", "Object");
  return value as Record<string, unknown>;
}

/** WL-13, `Optional<Maybe<Ref<Fetcher>>>`: undefined inherits, null blocks, anything else must be a Fetcher. */
function convertGlobalOutbound(value: unknown): unknown {
  if (value === undefined) return "inherit";
  if (value === null) return null;
  if (!isFetcherLike(value)) throw structFieldError("globalOutbound", "WorkerCode", "Fetcher");
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 2: `extractSource`: module types (WL-08, WL-09, WL-10), then the Python mix and the code size (WL-10, WL-11).

type ExtractedModule = NormalizedModule | { name: string; kind: "py"; content: string };

function extractModules(fields: WorkerCodeFields): { modules: ExtractedModule[]; sizes: number[] } {
  if (fields.modules.length === 0) {
    throw new TypeError("Dynamic Worker code must contain at least one module.");
  }
  const sizes: number[] = [];
  const modules = fields.modules.map(({ name, value }): ExtractedModule => {
    const { module, size } = extractModule(name, value, fields.mainModule);
    sizes.push(size);
    return module;
  });
  return { modules, sizes };
}

function extractModule(
  name: string,
  value: ModuleValue,
  mainModule: string,
): { module: ExtractedModule; size: number } {
  switch (value.form) {
    case "string":
      return extractNamedString(name, value.text, mainModule);
    case "wasm-module":
      return { module: { name, kind: "wasm", content: value.module }, size: wasmSize(value.module) };
    case "struct":
      return extractStruct(name, value.fields);
  }
}

/** WL-08: a plain string's type comes from its name. */
function extractNamedString(
  name: string,
  text: string,
  mainModule: string,
): { module: ExtractedModule; size: number } {
  const size = Buffer.byteLength(text, "utf8");
  if (isPythonName(name)) return { module: { name, kind: "py", content: text }, size };
  if (name.endsWith(".js")) return { module: { name, kind: "esm", content: text }, size };
  // Python packages carry non-code files (METADATA, RECORD...), so any name under python_modules/ is text there.
  if (isPythonName(mainModule) && name.startsWith("python_modules/")) {
    return { module: { name, kind: "text", content: text }, size };
  }
  const rule =
    "Module name must end with '.js' or '.py' (or the content must be an object indicating the type explicitly). " +
    `Got: ${name}`;
  if (name.endsWith(".ts") || name.endsWith(".tsx") || name.endsWith(".jsx")) {
    throw new TypeError(
      `${rule}. If you're trying to load TypeScript, bundle it first with '@cloudflare/worker-bundler' and pass ` +
        "the generated JavaScript modules.",
    );
  }
  throw new TypeError(rule);
}

/** WL-09: exactly one type key. */
function extractStruct(name: string, fields: ModuleStruct): { module: ExtractedModule; size: number } {
  const present = (["js", "cjs", "text", "data", "json", "py", "wasm"] as const).filter(
    (key) => fields[key] !== undefined,
  );
  if (present.length !== 1) {
    throw new TypeError(
      "Each module must contain exactly one of 'js', 'cjs', 'text', 'data', 'json', 'py', or 'wasm'. " +
        `Module '${name}' contained ${present.length} properties.`,
    );
  }
  if (fields.js !== undefined) return stringModule(name, "esm", fields.js);
  if (fields.cjs !== undefined) return stringModule(name, "cjs", fields.cjs);
  if (fields.text !== undefined) return stringModule(name, "text", fields.text);
  if (fields.py !== undefined) return { module: { name, kind: "py", content: fields.py }, size: byteLength(fields.py) };
  if (fields.data !== undefined) {
    return { module: { name, kind: "data", content: fields.data }, size: fields.data.byteLength };
  }
  if (fields.json !== undefined) return jsonModule(name, fields.json.value);
  const wasm = fields.wasm!;
  if ("compiled" in wasm) {
    return { module: { name, kind: "wasm", content: wasm.compiled }, size: wasmSize(wasm.compiled) };
  }
  return { module: { name, kind: "wasm", content: compileWasm(wasm.bytes) }, size: wasm.bytes.byteLength };
}

function stringModule(name: string, kind: "esm" | "cjs" | "text", text: string) {
  return { module: { name, kind, content: text }, size: byteLength(text) };
}

/** A `json` value is serialised and parsed again: the child sees a copy with JSON's semantics (no Dates, no undefined). */
function jsonModule(name: string, value: unknown): { module: ExtractedModule; size: number } {
  const serialized = JSON.stringify(value) as string | undefined;
  if (serialized === undefined) {
    throw new TypeError(`Module '${name}': its 'json' value cannot be serialized to JSON.`);
  }
  return { module: { name, kind: "json", content: JSON.parse(serialized) }, size: byteLength(serialized) };
}

/** WL-10 (a Python module beside a JS main module) and WL-11 (64 MiB of module bodies in total). */
function checkCodeSize(modules: readonly ExtractedModule[], sizes: readonly number[], mainModule: string): void {
  const pythonMain = isPythonName(mainModule);
  let total = 0;
  modules.forEach((module, index) => {
    if (!pythonMain && module.kind === "py") {
      throw new TypeError(`Module "${module.name}" is a Python module, but the main module isn't a Python module.`);
    }
    total += sizes[index];
  });
  if (total > MAX_DYNAMIC_WORKER_CODE_SIZE) {
    throw new Error(
      `Dynamic Worker code size (${total} bytes) exceeds the maximum allowed size of ${MAX_DYNAMIC_WORKER_CODE_SIZE} bytes.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Step 3: `extractCompatFlags` (WL-14, WL-19). workerd reports the first error it collected, in this order.

function checkCompatibility(fields: WorkerCodeFields, today: string): void {
  if (fields.allowExperimental) {
    // The emulated parent never has the `experimental` flag, as in production.
    throw new Error("'allowExperimental' is only allowed when the calling worker has the 'experimental' compat flag set.");
  }
  const seen = new Set<string>();
  for (const flag of fields.compatibilityFlags) {
    if (seen.has(flag)) throw new Error(`Compatibility flag specified multiple times: ${flag}`);
    seen.add(flag);
  }
  // Unknown flag names ("No such compatibility flag: x") are not checked: the emulator has no flag table.
  const date = parseCompatDate(fields.compatibilityDate);
  if (date === null) throw new Error(`Invalid compatibility date: ${fields.compatibilityDate}`);
  const now = parseCompatDate(today);
  if (now !== null && compareDates(now, date) < 0) {
    // Production's wording (CURRENT_DATE_FOR_CLOUDFLARE); local workerd adds today's date to it.
    throw new Error(`Can't set compatibility date in the future: ${formatDate(date)}`);
  }
}

type CompatDate = [year: number, month: number, day: number];

/** Mirrors workerd's `CompatDate::parse`: shape first, then the ranges (so 2022-02-30 passes, as it does there). */
function parseCompatDate(text: string): CompatDate | null {
  if (!text.startsWith("2") || text.length !== 10 || text[4] !== "-" || text[7] !== "-") return null;
  if (!/^[0-9-]+$/.test(text)) return null;
  const match = /^(-?\d+)-(-?\d+)-(-?\d+)/.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 2000 || year >= 3000 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  return [year, month, day];
}

function compareDates(a: CompatDate, b: CompatDate): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function formatDate([year, month, day]: CompatDate): string {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers.

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

function isPythonName(name: string): boolean {
  return name.endsWith(".py");
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function throwError(error: Error): never {
  throw error;
}

/** A private copy of an ArrayBuffer or view from any realm, or undefined if the value is neither. */
function copyBytes(value: unknown): ArrayBuffer | undefined {
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice().buffer;
  }
  if (types.isArrayBuffer(value) || types.isSharedArrayBuffer(value)) {
    return new Uint8Array(value as ArrayBuffer).slice().buffer;
  }
  return undefined;
}

/** Brand check that works across realms (`instanceof` does not): `Module.exports` throws for anything else. */
function isWasmModule(value: unknown): value is WebAssembly.Module {
  if (!isObject(value)) return false;
  try {
    WebAssembly.Module.exports(value as WebAssembly.Module);
    return true;
  } catch {
    return false;
  }
}

/** Byte sizes and content digests of wasm modules compiled here; V8 exposes neither for a module given compiled. */
const wasmFacts = new WeakMap<WebAssembly.Module, { size: number; identity: string }>();
let nextWasmIdentity = 0;

function compileWasm(bytes: ArrayBuffer): WebAssembly.Module {
  const module = new WebAssembly.Module(bytes);
  const digest = createHash("sha256").update(new Uint8Array(bytes)).digest("hex");
  wasmFacts.set(module, { size: bytes.byteLength, identity: `bytes:${digest}` });
  return module;
}

/** A module given already compiled counts 0 bytes towards WL-11: its wire bytes are not readable from JS. */
function wasmSize(module: WebAssembly.Module): number {
  return wasmFacts.get(module)?.size ?? 0;
}

/** Same bytes → same identity; a module given compiled is identified by the object itself. */
function wasmIdentity(module: WebAssembly.Module): string {
  let facts = wasmFacts.get(module);
  if (facts === undefined) {
    facts = { size: 0, identity: `object:${nextWasmIdentity++}` };
    wasmFacts.set(module, facts);
  }
  return facts.identity;
}
