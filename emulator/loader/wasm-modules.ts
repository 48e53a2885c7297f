/**
 * WebAssembly modules in WorkerCode: recognising one from any realm, and the facts V8 does not expose about a
 * compiled module that the loader needs (its byte size for WL-11, an identity for the compiled-code cache).
 */
import { createHash } from "node:crypto";

/** Brand check that works across realms (`instanceof` does not): `Module.exports` throws for anything else. */
export function isWasmModule(value: unknown): value is WebAssembly.Module {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return false;
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

export function compileWasm(bytes: ArrayBuffer): WebAssembly.Module {
  const module = new WebAssembly.Module(bytes);
  const digest = createHash("sha256").update(new Uint8Array(bytes)).digest("hex");
  wasmFacts.set(module, { size: bytes.byteLength, identity: `bytes:${digest}` });
  return module;
}

/** A module given already compiled counts 0 bytes towards WL-11: its wire bytes are not readable from JS. */
export function wasmSize(module: WebAssembly.Module): number {
  return wasmFacts.get(module)?.size ?? 0;
}

/** Same bytes → same identity; a module given compiled is identified by the object itself. */
export function wasmIdentity(module: WebAssembly.Module): string {
  let facts = wasmFacts.get(module);
  if (facts === undefined) {
    facts = { size: 0, identity: `object:${nextWasmIdentity++}` };
    wasmFacts.set(module, facts);
  }
  return facts.identity;
}
