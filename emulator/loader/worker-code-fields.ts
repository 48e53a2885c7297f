/**
 * Step 1 of WorkerCode validation: JSG's struct conversion of `WorkerLoader::WorkerCode`, field by field in
 * declaration order, each field read exactly once, with JSG's TypeErrors.
 */
import { types } from "node:util";
import { isWasmModule } from "./wasm-modules.ts";

const UINT32_MAX = 4_294_967_295;

export interface WorkerCodeFields {
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
export type ModuleValue =
  | { form: "string"; text: string }
  | { form: "wasm-module"; module: WebAssembly.Module }
  | { form: "struct"; fields: ModuleStruct };

export interface ModuleStruct {
  js?: string;
  cjs?: string;
  text?: string;
  data?: ArrayBuffer;
  json?: { value: unknown };
  py?: string;
  /** Tagged: a WebAssembly.Module is structurally an empty object, so TS cannot tell it from bytes by shape. */
  wasm?: { compiled: WebAssembly.Module } | { bytes: ArrayBuffer };
}

export function convertWorkerCodeStruct(code: unknown, via: "load" | "get"): WorkerCodeFields {
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
    throw new TypeError("The value cannot be converted because it is negative and this API expects a positive number.");
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

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
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
