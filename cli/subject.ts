/**
 * What a run tests: the subject built from the configuration (the wrangler file it names + the adapter, or the
 * reference topology around `dispatcher`), and the lines printed before anything else — the dispatcher, the config
 * and wrangler file it came from, the library version next to that dispatcher. Testing the built-in reference
 * dispatcher in a folder that holds a wrangler config is almost always a mistake (the user meant their own), so that
 * case gets a warning with the fix.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { SubjectDescription } from "../contract/subject.ts";
import { REFERENCE_DISPATCHER_PATH, referenceSubject } from "../targets/topology.ts";
import { UsageError } from "./commands/command.ts";
import { shownPath } from "./commands/shown-path.ts";
import { ConfigError } from "./config/config-error.ts";
import type { HarnessConfig } from "./config/load-config.ts";
import { readWrangler } from "./config/read-wrangler.ts";

/**
 * The subject of a command: `--dispatcher` (if given) over the wrangler file's `main` over the config's
 * `dispatcher`. A dispatcher file that does not exist, or a wrangler file that does not read, is a usage error.
 */
export function subjectFor(config: HarnessConfig, dispatcherFlag?: string): SubjectDescription {
  let subject: SubjectDescription;
  if (config.wrangler) {
    try {
      subject = { ...readWrangler(config.wrangler, config.wranglerEnv), adapter: config.adapter };
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`Invalid wrangler file:\n${error.message}`, false);
      throw error;
    }
  } else {
    subject = {
      ...referenceSubject(config.dispatcher),
      compatibilityDate: config.compatibilityDate,
      adapter: config.adapter,
    };
  }
  if (dispatcherFlag !== undefined) {
    const path = resolve(dispatcherFlag);
    if (!existsSync(path) || !statSync(path).isFile())
      throw new UsageError(
        `--dispatcher: ${existsSync(path) ? "not a file" : "file not found"}: ${dispatcherFlag}\n  fix: pass your dispatcher's entry module (e.g. --dispatcher src/index.ts), or set "wrangler" in dwc.config.json and drop --dispatcher`,
        false,
      );
    subject = { ...subject, main: path };
  }
  return subject;
}

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
  wranglerFile?: string,
): string[] {
  const reference = dispatcher === REFERENCE_DISPATCHER_PATH;
  const lines = [
    `subject: ${reference ? "the built-in reference dispatcher" : shownPath(dispatcher)}` +
      ` (config: ${configFile ? shownPath(configFile) : "none, built-in defaults"}${wranglerFile ? `; wrangler: ${shownPath(wranglerFile)}` : ""}; ${libraryVersionFor(dispatcher)})`,
  ];
  const wrangler = WRANGLER_CONFIGS.find((name) => existsSync(join(cwd, name)));
  if (reference && wrangler && !wranglerFile) {
    lines.push(
      `warning: testing the built-in reference dispatcher, but this folder has ${wrangler}: ` +
        `pass --dispatcher <your dispatcher entry>, or put "dispatcher" in dwc.config.json`,
    );
  }
  return lines;
}
