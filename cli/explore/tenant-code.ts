/**
 * A tenant's code from dwc.config.json's `explore` section as the dispatcher will load it: one ES module bundled with
 * esbuild (npm imports included; `cloudflare:*` and `node:*` stay external, answered by the runtime), the way the
 * harness bundles dispatchers (targets/bundle-for-workerd.ts). A folder is bundled from its entry module, a single
 * file from itself (an already bundled file passes through unchanged in meaning).
 *
 * The code version is a hash of the bundle: the same code gives the same version, so `--shard`s and replays load
 * the same thing, and an edit shows up as a new version in the trace. The bundle's export list is checked for the
 * configured class here, so a typo is one clear line instead of a failing run.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import * as esbuild from "esbuild";
import type { TenantBundle } from "../../contract/tenant-registry.ts";
import { workerBundleOptions } from "../../targets/bundle-for-workerd.ts";
import { ENTRY_CANDIDATES } from "../config/read-explore.ts";

export type TenantCode = { ok: true; bundle: TenantBundle } | { ok: false; problem: string };

/** The entry module of `code`: the file itself, or the first of ENTRY_CANDIDATES in the folder. */
export function entryOf(code: string): string | undefined {
  if (!statSync(code).isDirectory()) return code;
  return ENTRY_CANDIDATES.map((entry) => resolve(code, entry)).find((path) => existsSync(path));
}

/** Bundles `code` and checks that it exports `className`; a problem is one line naming the file and the fix. */
export async function tenantCode(
  code: string,
  codeShown: string,
  className: string,
  compatibilityDate: string,
): Promise<TenantCode> {
  const entry = existsSync(code) ? entryOf(code) : undefined;
  if (!entry)
    return {
      ok: false,
      problem: `code ${codeShown}: no entry module found (looked for ${ENTRY_CANDIDATES.join(", ")})`,
    };
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build(workerBundleOptions(entry, "dwc-explore-out"));
  } catch (error) {
    return { ok: false, problem: `code ${codeShown} does not build: ${firstBuildError(error)}` };
  }
  const exports = Object.values(result.metafile.outputs)[0]?.exports ?? [];
  if (!exports.includes(className)) {
    const listed = exports.length > 0 ? exports.join(", ") : "nothing";
    return {
      ok: false,
      problem: `class ${className} is not exported by ${codeShown} (it exports ${listed}): export it, or fix className`,
    };
  }
  const script = result.outputFiles[0].text;
  const codeVersion = createHash("sha256").update(script).digest("hex").slice(0, 12);
  const mainModule = `${basename(entry).replace(/\.[cm]?[jt]sx?$/, "")}.js`;
  return { ok: true, bundle: { codeVersion, compatibilityDate, mainModule, modules: { [mainModule]: script } } };
}

/** esbuild's first error with its file position (the rest counted), else the error's message. */
function firstBuildError(error: unknown): string {
  const messages = (error as { errors?: esbuild.Message[] }).errors;
  const first = messages?.[0];
  if (!first) return error instanceof Error ? error.message : String(error);
  const where = first.location ? ` (${first.location.file}:${first.location.line}:${first.location.column + 1})` : "";
  const more = messages!.length > 1 ? ` (and ${messages!.length - 1} more errors)` : "";
  return `${first.text}${where}${more}`;
}
