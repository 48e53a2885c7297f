/** Bundles a dispatcher for workerd: one ES module (workerd's main module must be ESM), `cloudflare:*` external. */
import * as esbuild from "esbuild";

const cache = new Map<string, Promise<string>>();

export function bundleForWorkerd(scriptPath: string): Promise<string> {
  let bundled = cache.get(scriptPath);
  if (!bundled) {
    bundled = esbuild
      .build({
        entryPoints: [scriptPath],
        bundle: true,
        format: "esm",
        platform: "neutral",
        target: "es2022",
        write: false,
        external: ["cloudflare:*", "node:*"],
        conditions: ["workerd", "worker", "browser"],
        mainFields: ["module", "main"],
        logLevel: "silent",
      })
      .then((result) => result.outputFiles[0].text)
      .catch((error: Error) => {
        cache.delete(scriptPath);
        throw new Error(`Could not bundle the dispatcher ${scriptPath} for workerd: ${error.message}`);
      });
    cache.set(scriptPath, bundled);
  }
  return bundled;
}
