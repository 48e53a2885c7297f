/**
 * What a run tests, printed before anything else: the dispatcher, the config it came from, the library version
 * next to that dispatcher. Testing the built-in reference dispatcher in a folder that holds a wrangler config is
 * almost always a mistake (the user meant their own), so that case gets a warning with the fix.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { REFERENCE_DISPATCHER_PATH } from "../targets/topology.ts";
import { shownPath } from "./commands/shown-path.ts";

const LIBRARY = "@cloudflare/dynamic-workflows";
export const WRANGLER_CONFIGS = ["wrangler.jsonc", "wrangler.json", "wrangler.toml"];

/** The library's version as the dispatcher would import it: the nearest node_modules up from its folder. */
export function libraryVersionFor(dispatcher: string): string {
  return libraryNextTo(dispatcher) ?? `${LIBRARY} (not installed next to the dispatcher)`;
}

/**
 * `@cloudflare/dynamic-workflows@<version>` from the nearest node_modules up from the dispatcher's folder (where the
 * bundler resolves its import), or undefined when there is none. The reports name the same version as this line.
 */
export function libraryNextTo(dispatcher: string): string | undefined {
  for (let dir = dirname(dispatcher); ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", LIBRARY, "package.json");
    if (existsSync(manifest)) {
      const version = (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version;
      return `${LIBRARY}@${version ?? "unknown"}`;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The lines to print first: the subject, and a warning when the reference dispatcher stands in for the user's. */
export function describeSubject(
  dispatcher: string,
  configFile: string | undefined,
  cwd: string = process.cwd(),
): string[] {
  const reference = dispatcher === REFERENCE_DISPATCHER_PATH;
  const lines = [
    `subject: ${reference ? "the built-in reference dispatcher" : shownPath(dispatcher)}` +
      ` (config: ${configFile ? shownPath(configFile) : "none, built-in defaults"}; ${libraryVersionFor(dispatcher)})`,
  ];
  const wrangler = WRANGLER_CONFIGS.find((name) => existsSync(join(cwd, name)));
  if (reference && wrangler) {
    lines.push(
      `warning: testing the built-in reference dispatcher, but this folder has ${wrangler}: ` +
        `pass --dispatcher <your dispatcher entry>, or put "dispatcher" in dwc.config.json`,
    );
  }
  return lines;
}
