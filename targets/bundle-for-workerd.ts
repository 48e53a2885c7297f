/**
 * Bundles a dispatcher for workerd: one ES module (workerd's main module must be ESM), `cloudflare:*` external.
 * The bundle's export names come along (esbuild's metafile): the preflight checks the wrangler file's classes
 * against them before anything starts.
 */
import * as esbuild from "esbuild";

export interface DispatcherBundle {
  script: string;
  /** The names the dispatcher's main module exports. */
  exports: string[];
}

/**
 * How Worker code (a dispatcher, a tenant's code) is bundled: one ES module, `cloudflare:*` and `node:*` left to the
 * runtime, workerd's package conditions, the export names in the metafile.
 */
export function workerBundleOptions(entry: string, outdir: string) {
  return {
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    metafile: true,
    outdir,
    external: ["cloudflare:*", "node:*"],
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    logLevel: "silent",
  } as const satisfies esbuild.BuildOptions;
}

const cache = new Map<string, Promise<DispatcherBundle>>();

export function bundleDispatcher(scriptPath: string): Promise<DispatcherBundle> {
  let bundled = cache.get(scriptPath);
  if (!bundled) {
    bundled = esbuild
      .build(workerBundleOptions(scriptPath, "dwc-out"))
      .then((result) => ({
        script: result.outputFiles[0].text,
        exports: Object.values(result.metafile.outputs)[0]?.exports ?? [],
      }))
      .catch((error: Error) => {
        cache.delete(scriptPath);
        throw new Error(`Could not bundle the dispatcher ${scriptPath} for workerd: ${error.message}`);
      });
    cache.set(scriptPath, bundled);
  }
  return bundled;
}

export async function bundleForWorkerd(scriptPath: string): Promise<string> {
  return (await bundleDispatcher(scriptPath)).script;
}
