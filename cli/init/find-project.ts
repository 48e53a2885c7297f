/**
 * What `dwc init` needs to know about the user's project: its dispatcher (wrangler's `main`), whether that
 * dispatcher speaks the reference contract, and whether miniflare is there for the workerd target. Read, never
 * guessed past what the files say: no wrangler config means no dispatcher path is written.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { JsoncError, parseJsonc } from "../config/parse-jsonc.ts";
import { WRANGLER_CONFIGS } from "../subject.ts";
import type { ProjectFacts } from "./templates.ts";

export class NotAProjectError extends Error {
  override readonly name = "NotAProjectError";
}

export interface FoundProject extends ProjectFacts {
  /** Printed by init: what it read and what it could not find. */
  notes: string[];
}

export function findProject(dir: string): FoundProject {
  const wranglerFile = WRANGLER_CONFIGS.find((name) => existsSync(join(dir, name)));
  const packageFile = join(dir, "package.json");
  if (!wranglerFile && !existsSync(packageFile)) {
    throw new NotAProjectError(
      `dwc init: ${dir} has no package.json and no wrangler config (looked for package.json, ${WRANGLER_CONFIGS.join(", ")}). ` +
        "Run it in your dispatcher's project folder (npm init -y first if it has none).",
    );
  }
  const notes: string[] = [];
  let dispatcher: string | undefined;
  if (wranglerFile) {
    const main = readMain(join(dir, wranglerFile), wranglerFile);
    if (main === undefined) notes.push(`${wranglerFile} has no "main": set "dispatcher" in dwc.config.json by hand`);
    else {
      dispatcher = `./${relative(dir, resolve(dir, main)).replaceAll("\\", "/")}`;
      notes.push(`dispatcher ${dispatcher} (from "main" in ${wranglerFile})`);
      if (!existsSync(resolve(dir, main))) notes.push(`warning: ${dispatcher} does not exist yet`);
    }
  } else notes.push(`no wrangler config (${WRANGLER_CONFIGS.join(", ")}): set "dispatcher" in dwc.config.json by hand`);

  const source =
    dispatcher && existsSync(resolve(dir, dispatcher)) ? readFileSync(resolve(dir, dispatcher), "utf8") : "";
  // The reference contract in two words: the TENANTS binding and the x-tenant-id header. Without a readable
  // dispatcher there is nothing to judge, so no adapter stub either.
  const needsAdapter = source !== "" && !(source.includes("TENANTS") && /x-tenant-id/i.test(source));
  return { dispatcher, wranglerFile, needsAdapter, hasMiniflare: hasMiniflare(dir, packageFile), notes };
}

/** wrangler's `main` from a .jsonc/.json/.toml file; a file that does not parse is an error naming it. */
function readMain(path: string, name: string): string | undefined {
  const text = readFileSync(path, "utf8");
  let data: unknown;
  try {
    data = name.endsWith(".toml") ? parseToml(text) : parseJsonc(text);
  } catch (error) {
    const why = error instanceof JsoncError ? error.message : (error as Error).message.split("\n")[0];
    throw new NotAProjectError(`dwc init: ${name} does not parse: ${why}`);
  }
  const main = (data as { main?: unknown } | null)?.main;
  return typeof main === "string" && main !== "" ? main : undefined;
}

function hasMiniflare(dir: string, packageFile: string): boolean {
  if (existsSync(join(dir, "node_modules", "miniflare", "package.json"))) return true;
  if (!existsSync(packageFile)) return false;
  try {
    const pkg = JSON.parse(readFileSync(packageFile, "utf8")) as Record<string, Record<string, string> | undefined>;
    return ["dependencies", "devDependencies"].some((field) => pkg[field]?.miniflare !== undefined);
  } catch {
    return false;
  }
}
