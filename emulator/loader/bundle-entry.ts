/**
 * Bundles the dispatcher worker under test, given as a file path, into one CommonJS module the emulator can load.
 *
 * The dispatcher is ordinary project code: it may be TypeScript and imports npm packages such as
 * `@cloudflare/dynamic-workflows`, which wrangler would bundle too. Runtime modules (`cloudflare:*`, `node:*`) stay
 * external as `require(...)` calls, answered per isolate by the realm's built-ins, so every isolate gets its own
 * `cloudflare:workers` classes. The result has kind "cjs", so `compileWorker` does not transform it a second time.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { build, type Message } from "esbuild";
import type { NormalizedModule } from "./module-extraction.ts";

type Bundle = { mainModule: string; modules: NormalizedModule[] };

/**
 * Bundles are cached by path and modification time: a fuzzer starts thousands of emulators on the same dispatcher,
 * and bundling costs tens of milliseconds. (Edits to files the entry imports are not seen until the entry changes or
 * the process restarts; the emulator is a test tool, not a dev server.)
 */
const cache = new Map<string, { mtimeMs: number; bundle: Promise<Bundle> }>();

export function bundleEntry(scriptPath: string): Promise<Bundle> {
  const entry = path.resolve(scriptPath);
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(entry).mtimeMs;
  } catch {
    // a missing file: let esbuild report it, uncached
  }
  const hit = cache.get(entry);
  if (hit && hit.mtimeMs === mtimeMs && mtimeMs >= 0) return hit.bundle;
  const bundle = bundleUncached(scriptPath, entry);
  cache.set(entry, { mtimeMs, bundle });
  bundle.catch(() => cache.delete(entry));
  return bundle;
}

async function bundleUncached(scriptPath: string, entry: string): Promise<Bundle> {
  let code: string;
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: "cjs",
      platform: "neutral",
      write: false,
      // Package resolution as wrangler does it for workerd: ESM entry points and worker-specific export conditions.
      mainFields: ["module", "main"],
      conditions: ["workerd", "worker", "browser"],
      external: ["cloudflare:*", "node:*"],
      // Lower only what this Node's V8 lacks (workerd's V8 is newer).
      target: `node${process.versions.node}`,
      // A dynamic `import("cloudflare:workers")` must become `require` too: the vm scripts cannot import.
      supported: { "dynamic-import": false },
      logLevel: "silent",
    });
    const output = result.outputFiles[0];
    if (output === undefined) throw new Error("esbuild produced no output");
    code = output.text;
  } catch (error) {
    throw new Error(`Could not bundle the worker at ${scriptPath}: ${describeBuildError(error)}`, { cause: error });
  }
  const mainModule = `${path.basename(entry).replace(/\.[cm]?[jt]sx?$/, "")}.js`;
  return { mainModule, modules: [{ name: mainModule, kind: "cjs", content: code }] };
}

/** esbuild's errors carry `{ text, location }`; show the first with its file position. */
function describeBuildError(error: unknown): string {
  const messages = (error as { errors?: Message[] }).errors;
  const first = messages?.[0];
  if (first === undefined) return error instanceof Error ? error.message : String(error);
  const where = first.location ? ` (${first.location.file}:${first.location.line}:${first.location.column + 1})` : "";
  const more = messages!.length > 1 ? ` (and ${messages!.length - 1} more errors)` : "";
  return `${first.text}${where}${more}`;
}
