/**
 * The dispatcher's code as the Emulator's options give it, in Miniflare's shapes (`modules` definitions, a `script`,
 * or a `scriptPath` to bundle), turned into the WorkerCode a Worker Loader accepts, so the dispatcher goes through
 * the same validation and compilation as a dynamic worker.
 */
import { EmulatorUsageError } from "../lib/errors.ts";
import { normalizeWorkerCode, type NormalizedWorkerCode } from "./worker-code.ts";

/** Miniflare's module definition: `{ type, path, contents }`. */
export interface ModuleDefinition {
  type: "ESModule" | "CommonJS" | "Text" | "Data" | "CompiledWasm" | "Json";
  path: string;
  contents?: string | Uint8Array;
}

/** The emulator options that say what the dispatcher's code is. */
export interface DispatcherCodeOptions {
  modules?: ModuleDefinition[] | boolean;
  script?: string;
  scriptPath?: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
}

/** Modules by name with their kind (`esm`, `cjs`, ...), as `bundleEntry` produces them too. */
export interface DispatcherModules {
  mainModule: string;
  modules: unknown[];
}

/** True when the dispatcher is a file to bundle (`scriptPath`, with `modules: true` or no modules, and no script). */
export function needsBundling(
  options: DispatcherCodeOptions,
): options is DispatcherCodeOptions & { scriptPath: string } {
  return Boolean(options.scriptPath && (options.modules === true || options.modules === undefined) && !options.script);
}

/** The modules given inline (`modules` definitions or a `script`); for `scriptPath`, bundle with `bundleEntry`. */
export function givenModules(options: DispatcherCodeOptions): DispatcherModules {
  if (Array.isArray(options.modules)) {
    if (options.modules.length === 0) throw new EmulatorUsageError("modules must list at least the main module");
    return {
      mainModule: options.modules[0].path,
      modules: options.modules.map((m) => ({ name: m.path, ...moduleValue(m) })) as unknown[],
    };
  }
  if (typeof options.script === "string") {
    return { mainModule: "worker.js", modules: [{ name: "worker.js", kind: "esm", content: options.script }] };
  }
  throw new EmulatorUsageError("The dispatcher is missing: give modules, script or scriptPath (as in Miniflare).");
}

/** The dispatcher's modules as WorkerCode, validated and normalized like a dynamic worker's. */
export function dispatcherWorkerCode(code: DispatcherModules, options: DispatcherCodeOptions): NormalizedWorkerCode {
  const modules = Object.fromEntries(
    (code.modules as Array<{ name: string; kind: string; content: unknown }>).map((m) => [
      m.name,
      toWorkerCodeModule(m),
    ]),
  );
  return normalizeWorkerCode({
    compatibilityDate: options.compatibilityDate ?? "2026-01-01",
    compatibilityFlags: options.compatibilityFlags ?? [],
    mainModule: code.mainModule,
    modules,
  });
}

function moduleValue(m: ModuleDefinition): { kind: string; content: unknown } {
  const text = () =>
    typeof m.contents === "string" ? m.contents : new TextDecoder().decode(m.contents ?? new Uint8Array());
  switch (m.type) {
    case "ESModule":
      return { kind: "esm", content: text() };
    case "CommonJS":
      return { kind: "cjs", content: text() };
    case "Text":
      return { kind: "text", content: text() };
    case "Json":
      return { kind: "json", content: JSON.parse(text()) };
    case "Data":
    case "CompiledWasm": {
      const bytes =
        typeof m.contents === "string" ? new TextEncoder().encode(m.contents) : (m.contents ?? new Uint8Array());
      return { kind: m.type === "Data" ? "data" : "wasm", content: bytes.slice().buffer };
    }
    default:
      throw new EmulatorUsageError(
        `Unknown module type "${(m as ModuleDefinition).type}" for ${(m as ModuleDefinition).path}`,
      );
  }
}

/** Back to the WorkerCode module shape (`{js}`, `{cjs}`, ...) that normalizeWorkerCode validates. */
function toWorkerCodeModule(m: { kind: string; content: unknown }): unknown {
  const key = { esm: "js", cjs: "cjs", text: "text", data: "data", json: "json", wasm: "wasm" }[m.kind];
  if (!key) throw new EmulatorUsageError(`Unsupported module kind ${m.kind}`);
  return { [key]: m.content };
}
