/**
 * The user configuration: one JSON file (`dwc.config.json` at the repository root by default) with a default for
 * every field. `loadConfig(file)` reads and validates it and returns a typed `HarnessConfig` with every path made
 * absolute (relative paths resolve from the config file's directory). A wrong config throws a `ConfigError` whose
 * message names the file, the field and why, one line per problem, e.g.
 *
 *   dwc.config.json: targets[1]: unknown target "workrd" (known: emulator-production, emulator-local, workerd, {remote})
 *
 * The file is JSONC (comments, trailing commas: `dwc init` writes a commented one), parsed by jsonc-parser; a
 * syntax error names its line and column. Hand-written validation: the shape is small, and the messages are the point.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DEFAULT_ADAPTER, type SubjectAdapter } from "../../contract/subject.ts";
import { LOCAL_TARGETS, type LocalTargetName } from "../../targets/registry.ts";
import { REFERENCE_DISPATCHER_PATH } from "../../targets/topology.ts";
import { SUITES } from "../../suites/index.ts";
import { readAdapter } from "./read-adapter.ts";
import { type ExploreConfig, readExplore } from "./read-explore.ts";
import { ConfigError } from "./config-error.ts";
import { shown } from "./shown.ts";

export { ConfigError };
import { JsoncError, parseJsonc } from "./parse-jsonc.ts";

export const CONFIG_FILE_NAME = "dwc.config.json";

export { LOCAL_TARGETS, type LocalTargetName };

export interface RemoteTargetConfig {
  remote: {
    url: string;
    /** The dispatcher's HARNESS_TOKEN, inline. Prefer `tokenEnv` in files you commit. */
    token?: string;
    /** The environment variable that holds the token. Default `DWC_REMOTE_TOKEN` when neither is given. */
    tokenEnv?: string;
  };
}

export type TargetConfig = LocalTargetName | RemoteTargetConfig;

export const FUZZ_PROFILES = ["production", "local", "both"] as const;
export type FuzzProfile = (typeof FUZZ_PROFILES)[number];

export interface HarnessConfig {
  /** Absolute path of the config file this came from; undefined for the built-in defaults. */
  file?: string;
  /** Absolute path of the dispatcher entry (TypeScript or JavaScript; the harness bundles it). */
  dispatcher: string;
  /** How tenants are served to the dispatcher: only "probe" (the harness serves probe tenants via `TENANTS`). */
  tenants: { mode: "probe" };
  targets: TargetConfig[];
  /** Suite names (keys of suites/index.ts SUITES). */
  suites: string[];
  /** `workers`: threads for `dwc fuzz`; absent = the machine's cores (so the shipped file stays machine-neutral). */
  fuzz: { runs: number; profile: FuzzProfile; workers?: number };
  /** Limits for `run`: a case that takes longer than `caseTimeoutSeconds` fails (a hung case must not hang CI). */
  budget: { caseTimeoutSeconds: number };
  /** Absolute path of the reports directory. */
  reports: { dir: string };
  /** Absolute path of the findings baseline `dwc run` compares with (docs/findings.md); absent: none. */
  baseline?: string;
  compatibilityDate: string;
  /** Absolute path of the subject's wrangler file (the dispatcher's main, bindings, compatibility come from it). */
  wrangler?: string;
  /** The wrangler file's `env.<name>` section to use, merged as wrangler merges it; absent: the top level. */
  wranglerEnv?: string;
  /** What the harness must know that wrangler does not say (contract/subject.ts); defaults: the reference's. */
  adapter: SubjectAdapter;
  /** The tenants' own workflows `dwc explore` runs (cli/config/read-explore.ts); absent: none configured. */
  explore?: ExploreConfig;
}

export const KNOWN_KEYS = [
  "dispatcher",
  "tenants",
  "targets",
  "suites",
  "fuzz",
  "budget",
  "reports",
  "baseline",
  "compatibilityDate",
  "wrangler",
  "wranglerEnv",
  "adapter",
  "explore",
] as const;

/** Default per-case budget: the slowest case on workerd takes ~10 s on 2 cores; ten times that is a hang. */
export const DEFAULT_CASE_TIMEOUT_SECONDS = 120;
export const KNOWN_SUITES: readonly string[] = Object.keys(SUITES);
export const DEFAULT_COMPATIBILITY_DATE = "2026-01-01";

/** The defaults, with relative paths resolved from `baseDir` (the config file's directory, or the cwd). */
export function defaultConfig(baseDir: string = process.cwd()): HarnessConfig {
  return {
    dispatcher: REFERENCE_DISPATCHER_PATH,
    tenants: { mode: "probe" },
    targets: [...LOCAL_TARGETS],
    suites: [...KNOWN_SUITES],
    fuzz: { runs: 1000, profile: "production" },
    budget: { caseTimeoutSeconds: DEFAULT_CASE_TIMEOUT_SECONDS },
    reports: { dir: resolve(baseDir, "reports") },
    compatibilityDate: DEFAULT_COMPATIBILITY_DATE,
    adapter: DEFAULT_ADAPTER,
  };
}

/** Reads and validates a config file. Throws ConfigError (file missing, bad JSON, or bad fields). */
export function loadConfig(file: string): HarnessConfig {
  const path = resolve(file);
  const name = shown(path);
  if (!existsSync(path)) throw new ConfigError(["file not found"], name);
  let raw: unknown;
  try {
    raw = parseJsonc(readFileSync(path, "utf8"));
  } catch (error) {
    if (!(error instanceof JsoncError)) throw error;
    throw new ConfigError([`not valid JSON (comments allowed): ${error.message}`], name);
  }
  return validateConfig(raw, { file: path });
}

/**
 * `dwc.config.json` in `dir` if it exists, else the defaults. `explicit` (from --config) must exist.
 */
export function findConfig(explicit: string | undefined, dir: string = process.cwd()): HarnessConfig {
  if (explicit !== undefined) return loadConfig(explicit);
  const candidate = resolve(dir, CONFIG_FILE_NAME);
  return existsSync(candidate) ? loadConfig(candidate) : defaultConfig(dir);
}

const typeName = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const KNOWN_TARGETS_TEXT = `${LOCAL_TARGETS.join(", ")}, {remote}`;

/** Validates a parsed config. `file` (absolute) is where relative paths resolve from; without it, the cwd. */
export function validateConfig(raw: unknown, options: { file?: string } = {}): HarnessConfig {
  const baseDir = options.file ? dirname(options.file) : process.cwd();
  const name = options.file ? shown(options.file) : "config";
  const config = defaultConfig(baseDir);
  if (options.file) config.file = options.file;
  const problems: string[] = [];
  if (!isObject(raw)) throw new ConfigError([`must be a JSON object, got ${typeName(raw)}`], name);

  for (const key of Object.keys(raw)) {
    if (key === "$schema") continue;
    if (!(KNOWN_KEYS as readonly string[]).includes(key))
      problems.push(`${key}: unknown key (known: ${KNOWN_KEYS.join(", ")})`);
  }

  const unknownKeys = (field: string, value: Record<string, unknown>, known: readonly string[]) => {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) problems.push(`${field}.${key}: unknown key (known: ${known.join(", ")})`);
    }
  };

  if (raw.dispatcher !== undefined) {
    const value = raw.dispatcher;
    if (typeof value !== "string" || value === "") {
      problems.push(`dispatcher: must be a path to the dispatcher entry (a non-empty string), got ${typeName(value)}`);
    } else {
      const path = resolve(baseDir, value);
      if (!existsSync(path)) problems.push(`dispatcher: file not found: ${value}`);
      else if (!statSync(path).isFile()) problems.push(`dispatcher: not a file: ${value}`);
      else config.dispatcher = path;
    }
  }

  if (raw.tenants !== undefined) {
    if (!isObject(raw.tenants))
      problems.push(`tenants: must be an object like { "mode": "probe" }, got ${typeName(raw.tenants)}`);
    else {
      unknownKeys("tenants", raw.tenants, ["mode"]);
      if (raw.tenants.mode !== undefined && raw.tenants.mode !== "probe") {
        problems.push(`tenants.mode: unknown mode ${JSON.stringify(raw.tenants.mode)} (known: probe)`);
      }
    }
  }

  if (raw.targets !== undefined) {
    if (!Array.isArray(raw.targets)) problems.push(`targets: must be an array, got ${typeName(raw.targets)}`);
    else if (raw.targets.length === 0) problems.push("targets: must list at least one target");
    else {
      const targets: TargetConfig[] = [];
      const seen = new Set<string>();
      raw.targets.forEach((value: unknown, index: number) => {
        const field = `targets[${index}]`;
        const before = problems.length;
        const target = validateTarget(value, field, problems);
        if (problems.length > before || target === undefined) return;
        const key = typeof target === "string" ? target : "remote";
        if (seen.has(key))
          problems.push(`${field}: ${typeof target === "string" ? `"${key}"` : "{remote}"} is listed twice`);
        seen.add(key);
        targets.push(target);
      });
      config.targets = targets;
    }
  }

  if (raw.suites !== undefined) {
    if (!Array.isArray(raw.suites))
      problems.push(`suites: must be an array of suite names, got ${typeName(raw.suites)}`);
    else if (raw.suites.length === 0)
      problems.push(`suites: must list at least one suite (known: ${KNOWN_SUITES.join(", ")})`);
    else {
      raw.suites.forEach((value: unknown, index: number) => {
        if (typeof value !== "string" || !KNOWN_SUITES.includes(value)) {
          problems.push(`suites[${index}]: unknown suite ${JSON.stringify(value)} (known: ${KNOWN_SUITES.join(", ")})`);
        }
      });
      config.suites = [...new Set(raw.suites as string[])];
    }
  }

  if (raw.fuzz !== undefined) {
    if (!isObject(raw.fuzz))
      problems.push(
        `fuzz: must be an object like { "runs": 1000, "profile": "production" }, got ${typeName(raw.fuzz)}`,
      );
    else {
      unknownKeys("fuzz", raw.fuzz, ["runs", "profile", "workers"]);
      const { runs, profile, workers } = raw.fuzz;
      if (workers !== undefined) {
        if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1)
          problems.push(`fuzz.workers: must be a whole number of at least 1, got ${JSON.stringify(workers)}`);
        else config.fuzz.workers = workers;
      }
      if (runs !== undefined) {
        if (typeof runs !== "number" || !Number.isInteger(runs) || runs < 1)
          problems.push(`fuzz.runs: must be a whole number of at least 1, got ${JSON.stringify(runs)}`);
        else config.fuzz.runs = runs;
      }
      if (profile !== undefined) {
        if (!(FUZZ_PROFILES as readonly unknown[]).includes(profile))
          problems.push(
            `fuzz.profile: unknown profile ${JSON.stringify(profile)} (known: ${FUZZ_PROFILES.join(", ")})`,
          );
        else config.fuzz.profile = profile as FuzzProfile;
      }
    }
  }

  if (raw.budget !== undefined) {
    if (!isObject(raw.budget))
      problems.push(
        `budget: must be an object like { "caseTimeoutSeconds": ${DEFAULT_CASE_TIMEOUT_SECONDS} }, got ${typeName(raw.budget)}`,
      );
    else {
      unknownKeys("budget", raw.budget, ["caseTimeoutSeconds"]);
      const { caseTimeoutSeconds } = raw.budget;
      if (caseTimeoutSeconds !== undefined) {
        if (typeof caseTimeoutSeconds !== "number" || !Number.isFinite(caseTimeoutSeconds) || caseTimeoutSeconds <= 0) {
          problems.push(
            `budget.caseTimeoutSeconds: must be a number of seconds greater than 0, got ${JSON.stringify(caseTimeoutSeconds)}`,
          );
        } else config.budget.caseTimeoutSeconds = caseTimeoutSeconds;
      }
    }
  }

  if (raw.reports !== undefined) {
    if (!isObject(raw.reports))
      problems.push(`reports: must be an object like { "dir": "reports" }, got ${typeName(raw.reports)}`);
    else {
      unknownKeys("reports", raw.reports, ["dir"]);
      const { dir } = raw.reports;
      if (dir !== undefined) {
        if (typeof dir !== "string" || dir === "")
          problems.push(`reports.dir: must be a directory path (a non-empty string), got ${typeName(dir)}`);
        else config.reports.dir = resolve(baseDir, dir);
      }
    }
  }

  if (raw.baseline !== undefined) {
    if (typeof raw.baseline !== "string" || raw.baseline === "")
      problems.push(
        `baseline: must be the path of a baseline file (write one with dwc run --write-baseline), got ${typeName(raw.baseline)}`,
      );
    else config.baseline = resolve(baseDir, raw.baseline);
  }

  if (raw.compatibilityDate !== undefined) {
    const value = raw.compatibilityDate;
    if (
      typeof value !== "string" ||
      !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
      Number.isNaN(Date.parse(`${value}T00:00:00Z`))
    ) {
      problems.push(`compatibilityDate: must be a date "YYYY-MM-DD", got ${JSON.stringify(value)}`);
    } else config.compatibilityDate = value;
  }

  if (raw.wrangler !== undefined) {
    const value = raw.wrangler;
    if (typeof value !== "string" || !/\.(jsonc?|toml)$/.test(value))
      problems.push(
        `wrangler: must be the path of your wrangler.jsonc, wrangler.json or wrangler.toml, got ${JSON.stringify(value)}`,
      );
    else if (!existsSync(resolve(baseDir, value))) problems.push(`wrangler: file not found: ${value}`);
    else config.wrangler = resolve(baseDir, value);
  }

  if (raw.wranglerEnv !== undefined) {
    if (typeof raw.wranglerEnv !== "string" || raw.wranglerEnv === "")
      problems.push(
        `wranglerEnv: must name an env section of the wrangler file, got ${JSON.stringify(raw.wranglerEnv)}`,
      );
    else if (raw.wrangler === undefined)
      problems.push('wranglerEnv: needs "wrangler" (the file whose env section it names)');
    else config.wranglerEnv = raw.wranglerEnv;
  }

  if (raw.wrangler !== undefined && raw.dispatcher !== undefined)
    problems.push(
      "dispatcher: give dispatcher or wrangler, not both — the wrangler file's main is the dispatcher (--dispatcher still overrides it)",
    );

  if (raw.adapter !== undefined) config.adapter = readAdapter(raw.adapter, baseDir, problems);
  if (raw.explore !== undefined) config.explore = readExplore(raw.explore, baseDir, problems);

  if (problems.length > 0) throw new ConfigError(problems, name);
  return config;
}

function validateTarget(value: unknown, field: string, problems: string[]): TargetConfig | undefined {
  if (typeof value === "string") {
    if ((LOCAL_TARGETS as readonly string[]).includes(value)) return value as LocalTargetName;
    const hint =
      value === "remote"
        ? ` — a remote target is an object: { "remote": { "url": "https://…", "tokenEnv": "DWC_REMOTE_TOKEN" } }`
        : "";
    problems.push(`${field}: unknown target ${JSON.stringify(value)} (known: ${KNOWN_TARGETS_TEXT})${hint}`);
    return undefined;
  }
  if (!isObject(value) || !isObject(value.remote) || Object.keys(value).length !== 1) {
    problems.push(
      `${field}: a target is a name (${LOCAL_TARGETS.join(", ")}) or { "remote": { "url", "token" | "tokenEnv" } }, got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  const remote = value.remote;
  const before = problems.length;
  for (const key of Object.keys(remote)) {
    if (!["url", "token", "tokenEnv"].includes(key))
      problems.push(`${field}.remote.${key}: unknown key (known: url, token, tokenEnv)`);
  }
  if (typeof remote.url !== "string")
    problems.push(
      `${field}.remote.url: required, the deployed dispatcher's URL (e.g. https://your-dispatcher.workers.dev)`,
    );
  else {
    let url: URL | undefined;
    try {
      url = new URL(remote.url);
    } catch {
      problems.push(`${field}.remote.url: not a URL: ${JSON.stringify(remote.url)}`);
    }
    if (url && url.protocol !== "https:" && url.protocol !== "http:")
      problems.push(`${field}.remote.url: must be http(s), got ${JSON.stringify(remote.url)}`);
  }
  if (remote.token !== undefined && remote.tokenEnv !== undefined)
    problems.push(`${field}.remote: give token or tokenEnv, not both`);
  if (remote.token !== undefined && (typeof remote.token !== "string" || remote.token === ""))
    problems.push(`${field}.remote.token: must be a non-empty string`);
  if (
    remote.tokenEnv !== undefined &&
    (typeof remote.tokenEnv !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(remote.tokenEnv))
  ) {
    problems.push(
      `${field}.remote.tokenEnv: must be an environment variable name, got ${JSON.stringify(remote.tokenEnv)}`,
    );
  }
  if (problems.length > before) return undefined;
  const out: RemoteTargetConfig["remote"] = { url: remote.url as string };
  if (remote.token !== undefined) out.token = remote.token as string;
  if (remote.tokenEnv !== undefined) out.tokenEnv = remote.tokenEnv as string;
  return { remote: out };
}

/** The remote target's token: inline, else from `tokenEnv` (default DWC_REMOTE_TOKEN). */
export function remoteToken(target: RemoteTargetConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return target.remote.token ?? env[target.remote.tokenEnv ?? "DWC_REMOTE_TOKEN"];
}
