/**
 * Step 2 of WorkerCode validation, workerd's `extractSource`: each module's type (WL-08, WL-09, WL-10), then the
 * Python mix and the total code size (WL-10, WL-11). What comes out is the emulator's form of a module.
 */
import { Buffer } from "node:buffer";
import { compileWasm, wasmSize } from "./wasm-modules.ts";
import type { ModuleValue, ModuleStruct, WorkerCodeFields } from "./worker-code-fields.ts";

export type ModuleKind = "esm" | "cjs" | "text" | "data" | "json" | "wasm";

export interface NormalizedModule {
  name: string;
  kind: ModuleKind;
  /** esm, cjs, text: the source string; data: a private copy of the bytes; json: the parsed value; wasm: the module. */
  content: string | ArrayBuffer | unknown /* json value */ | WebAssembly.Module;
}

/** WD-L `MAX_DYNAMIC_WORKER_CODE_SIZE` (WL-11). */
export const MAX_DYNAMIC_WORKER_CODE_SIZE = 64 * 1024 * 1024;

/** A module after extraction: the emulator's own kinds, or a Python module (only to be refused). */
export type ExtractedModule = NormalizedModule | { name: string; kind: "py"; content: string };

export function extractModules(fields: WorkerCodeFields): { modules: ExtractedModule[]; sizes: number[] } {
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
function extractNamedString(name: string, text: string, mainModule: string): { module: ExtractedModule; size: number } {
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
export function checkCodeSize(modules: readonly ExtractedModule[], sizes: readonly number[], mainModule: string): void {
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

export function isPythonName(name: string): boolean {
  return name.endsWith(".py");
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
