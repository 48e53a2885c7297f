/** The key under which compiled code is cached: a digest of everything that changes compiled scripts. */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import type { NormalizedModule } from "./module-extraction.ts";
import { wasmIdentity } from "./wasm-modules.ts";

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
