/** dwc.config.json: defaults, relative path resolution, and one test per validation error (field + why). */
import { DEFAULT_ADAPTER } from "../../../contract/subject.ts";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DISPATCHER_PATH } from "../../../targets/topology.ts";
import {
  ConfigError,
  defaultConfig,
  findConfig,
  KNOWN_SUITES,
  loadConfig,
  remoteToken,
  validateConfig,
} from "../../../cli/config/load-config.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

let dir: string;
let n = 0;
/** Writes `body` (an object → JSON, a string → as is) to a fresh dwc.config.json in its own folder under `dir`. */
async function configFile(body: unknown, sub = `c${n++}`): Promise<string> {
  await mkdir(join(dir, sub), { recursive: true });
  const file = join(dir, sub, "dwc.config.json");
  await writeFile(file, typeof body === "string" ? body : JSON.stringify(body));
  return file;
}
/** The ConfigError's message for `body` given as the config in <dir>/bad/dwc.config.json (shown absolute: outside the cwd). */
async function errorOf(body: unknown): Promise<string> {
  const file = await configFile(body);
  try {
    loadConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.replaceAll(`${file}: `, "");
  }
  throw new Error("expected a ConfigError");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dwc-config-"));
  await mkdir(join(dir, "src"), { recursive: true });
  await writeFile(join(dir, "src", "dispatcher.ts"), "export default {};\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("defaults", () => {
  it("an empty config is the defaults: the reference dispatcher, probe tenants, the three local targets, every suite", async () => {
    const file = await configFile({});
    const config = loadConfig(file);
    expect(config).toEqual({
      file,
      dispatcher: REFERENCE_DISPATCHER_PATH,
      tenants: { mode: "probe" },
      targets: ["emulator-production", "emulator-local", "workerd"],
      suites: ["routing", "steps", "events", "lifecycle", "isolation", "bad-input"],
      fuzz: { runs: 1000, profile: "production" },
      budget: { caseTimeoutSeconds: 120 },
      reports: { dir: join(dir, file.split("/").at(-2)!, "reports") },
      compatibilityDate: "2026-01-01",
      adapter: DEFAULT_ADAPTER,
    });
    expect(config.suites).toEqual(KNOWN_SUITES);
  });

  it("the shipped dwc.config.json lists exactly the defaults", () => {
    const { file, ...shipped } = loadConfig(join(ROOT, "dwc.config.json"));
    expect(file).toBe(join(ROOT, "dwc.config.json"));
    expect(shipped).toEqual(defaultConfig(ROOT));
  });

  it("findConfig: dwc.config.json in the folder if present, else the defaults; --config must exist", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    expect(findConfig(undefined, empty)).toEqual(defaultConfig(empty));
    const file = await configFile({ suites: ["routing"] }, "withfile");
    expect(findConfig(undefined, join(dir, "withfile")).suites).toEqual(["routing"]);
    expect(() => findConfig(join(dir, "nope.json"))).toThrow(`${join(dir, "nope.json")}: file not found`);
    expect(findConfig(file).file).toBe(file);
  });

  it("remote token: inline, else from tokenEnv, else DWC_REMOTE_TOKEN", () => {
    expect(remoteToken({ remote: { url: "https://x", token: "t" } }, {})).toBe("t");
    expect(remoteToken({ remote: { url: "https://x", tokenEnv: "MY_TOKEN" } }, { MY_TOKEN: "m" })).toBe("m");
    expect(remoteToken({ remote: { url: "https://x" } }, { DWC_REMOTE_TOKEN: "d" })).toBe("d");
  });
});

describe("relative paths resolve from the config file's directory", () => {
  it("dispatcher and reports.dir", async () => {
    const file = await configFile({ dispatcher: "../src/dispatcher.ts", reports: { dir: "out/reports" } }, "nested");
    const config = loadConfig(file);
    expect(config.dispatcher).toBe(join(dir, "src", "dispatcher.ts"));
    expect(config.reports.dir).toBe(join(dir, "nested", "out", "reports"));
  });

  it("not from the cwd: the same relative dispatcher is not found from another folder", async () => {
    const file = await configFile({ dispatcher: "./src/dispatcher.ts" }, "other");
    expect(() => loadConfig(file)).toThrow("dispatcher: file not found: ./src/dispatcher.ts");
    expect(loadConfig(await configFile({ dispatcher: "./src/dispatcher.ts" }, ".")).dispatcher).toBe(
      join(dir, "src", "dispatcher.ts"),
    );
  });

  it("absolute paths are kept; without a file, validateConfig resolves from the cwd", () => {
    expect(validateConfig({ dispatcher: REFERENCE_DISPATCHER_PATH }).dispatcher).toBe(REFERENCE_DISPATCHER_PATH);
    expect(validateConfig({ reports: { dir: "r" } }).reports.dir).toBe(resolve("r"));
  });
});

describe("every validation error says which field and why", () => {
  const cases: Array<[string, unknown, string]> = [
    [
      "not JSON",
      "{ targets: [",
      "not valid JSON (comments allowed): line 1, column 3: invalid symbol (names and strings need double quotes)",
    ],
    [
      "a missing comma, named by line and column",
      '{\n  // the suites\n  "suites": ["routing"]\n  "targets": ["workerd"]\n}',
      "not valid JSON (comments allowed): line 4, column 3: comma expected",
    ],
    ["not an object", "[]", "must be a JSON object, got an array"],
    [
      "unknown top-level key",
      { target: ["workerd"] },
      "target: unknown key (known: dispatcher, tenants, targets, suites, fuzz, budget, reports, baseline, compatibilityDate, wrangler, wranglerEnv, adapter, explore)",
    ],
    [
      "dispatcher not a string",
      { dispatcher: 3 },
      "dispatcher: must be a path to the dispatcher entry (a non-empty string), got a number",
    ],
    ["dispatcher missing", { dispatcher: "./src/x.ts" }, "dispatcher: file not found: ./src/x.ts"],
    ["dispatcher a folder", { dispatcher: "." }, "dispatcher: not a file: ."],
    [
      "tenants not an object",
      { tenants: "probe" },
      'tenants: must be an object like { "mode": "probe" }, got a string',
    ],
    ["tenants.mode unknown", { tenants: { mode: "real" } }, 'tenants.mode: unknown mode "real" (known: probe)'],
    ["tenants unknown key", { tenants: { mode: "probe", count: 3 } }, "tenants.count: unknown key (known: mode)"],
    ["targets not an array", { targets: "workerd" }, "targets: must be an array, got a string"],
    ["targets empty", { targets: [] }, "targets: must list at least one target"],
    [
      "unknown target",
      { targets: ["emulator-production", "workrd"] },
      'targets[1]: unknown target "workrd" (known: emulator-production, emulator-local, workerd, {remote})',
    ],
    [
      "bare remote",
      { targets: ["remote"] },
      'targets[0]: unknown target "remote" (known: emulator-production, emulator-local, workerd, {remote}) — a remote target is an object',
    ],
    ["target listed twice", { targets: ["workerd", "workerd"] }, 'targets[1]: "workerd" is listed twice'],
    [
      "target of a wrong shape",
      { targets: [{ url: "https://x" }] },
      'targets[0]: a target is a name (emulator-production, emulator-local, workerd) or { "remote": { "url", "token" | "tokenEnv" } }, got {"url":"https://x"}',
    ],
    [
      "remote without url",
      { targets: [{ remote: { token: "t" } }] },
      "targets[0].remote.url: required, the deployed dispatcher's URL",
    ],
    [
      "remote url not a URL",
      { targets: [{ remote: { url: "my-worker", token: "t" } }] },
      'targets[0].remote.url: not a URL: "my-worker"',
    ],
    [
      "remote url not http",
      { targets: [{ remote: { url: "ftp://x", token: "t" } }] },
      'targets[0].remote.url: must be http(s), got "ftp://x"',
    ],
    [
      "remote token and tokenEnv",
      { targets: [{ remote: { url: "https://x", token: "t", tokenEnv: "T" } }] },
      "targets[0].remote: give token or tokenEnv, not both",
    ],
    [
      "remote token empty",
      { targets: [{ remote: { url: "https://x", token: "" } }] },
      "targets[0].remote.token: must be a non-empty string",
    ],
    [
      "remote tokenEnv not a name",
      { targets: [{ remote: { url: "https://x", tokenEnv: "my token" } }] },
      'targets[0].remote.tokenEnv: must be an environment variable name, got "my token"',
    ],
    [
      "remote unknown key",
      { targets: [{ remote: { url: "https://x", secret: "t" } }] },
      "targets[0].remote.secret: unknown key (known: url, token, tokenEnv)",
    ],
    [
      "two remotes",
      { targets: [{ remote: { url: "https://x" } }, { remote: { url: "https://y" } }] },
      "targets[1]: {remote} is listed twice",
    ],
    ["suites not an array", { suites: "routing" }, "suites: must be an array of suite names, got a string"],
    [
      "suites empty",
      { suites: [] },
      "suites: must list at least one suite (known: routing, steps, events, lifecycle, isolation, bad-input)",
    ],
    [
      "unknown suite",
      { suites: ["routing", "routes"] },
      'suites[1]: unknown suite "routes" (known: routing, steps, events, lifecycle, isolation, bad-input)',
    ],
    [
      "fuzz not an object",
      { fuzz: 100 },
      'fuzz: must be an object like { "runs": 1000, "profile": "production" }, got a number',
    ],
    ["fuzz.runs not whole", { fuzz: { runs: 2.5 } }, "fuzz.runs: must be a whole number of at least 1, got 2.5"],
    ["fuzz.runs zero", { fuzz: { runs: 0 } }, "fuzz.runs: must be a whole number of at least 1, got 0"],
    [
      "fuzz.profile unknown",
      { fuzz: { profile: "prod" } },
      'fuzz.profile: unknown profile "prod" (known: production, local, both)',
    ],
    ["fuzz unknown key", { fuzz: { seed: 1 } }, "fuzz.seed: unknown key (known: runs, profile, workers)"],
    ["fuzz.workers zero", { fuzz: { workers: 0 } }, "fuzz.workers: must be a whole number of at least 1, got 0"],
    [
      "budget not an object",
      { budget: 60 },
      'budget: must be an object like { "caseTimeoutSeconds": 120 }, got a number',
    ],
    [
      "budget.caseTimeoutSeconds zero",
      { budget: { caseTimeoutSeconds: 0 } },
      "budget.caseTimeoutSeconds: must be a number of seconds greater than 0, got 0",
    ],
    [
      "budget.caseTimeoutSeconds a string",
      { budget: { caseTimeoutSeconds: "60" } },
      'budget.caseTimeoutSeconds: must be a number of seconds greater than 0, got "60"',
    ],
    ["budget unknown key", { budget: { total: 600 } }, "budget.total: unknown key (known: caseTimeoutSeconds)"],
    ["reports not an object", { reports: "out" }, 'reports: must be an object like { "dir": "reports" }, got a string'],
    [
      "reports.dir empty",
      { reports: { dir: "" } },
      "reports.dir: must be a directory path (a non-empty string), got a string",
    ],
    ["reports unknown key", { reports: { directory: "x" } }, "reports.directory: unknown key (known: dir)"],
    [
      "compatibilityDate format",
      { compatibilityDate: "2026/01/01" },
      'compatibilityDate: must be a date "YYYY-MM-DD", got "2026/01/01"',
    ],
    [
      "compatibilityDate not a date",
      { compatibilityDate: "2026-13-45" },
      'compatibilityDate: must be a date "YYYY-MM-DD", got "2026-13-45"',
    ],
  ];
  it.each(cases)("%s", async (_name, body, message) => {
    expect(await errorOf(body)).toContain(message);
  });

  it("the message starts with the file as given relative to the cwd, and lists every problem, one per line", () => {
    const error = (() => {
      try {
        validateConfig({ targets: ["workrd"], suites: ["x"], colour: true }, { file: join(ROOT, "dwc.config.json") });
      } catch (e) {
        return e as ConfigError;
      }
    })()!;
    expect(error.message.split("\n")).toEqual([
      "dwc.config.json: colour: unknown key (known: dispatcher, tenants, targets, suites, fuzz, budget, reports, baseline, compatibilityDate, wrangler, wranglerEnv, adapter, explore)",
      'dwc.config.json: targets[0]: unknown target "workrd" (known: emulator-production, emulator-local, workerd, {remote})',
      'dwc.config.json: suites[0]: unknown suite "x" (known: routing, steps, events, lifecycle, isolation, bad-input)',
    ]);
    expect(error.problems).toHaveLength(3);
  });

  it("comments and trailing commas are allowed (dwc init writes a commented file)", async () => {
    const file = await configFile(
      '// written by dwc init\n{\n  /* which targets */\n  "targets": ["emulator-local",], // one\n  "suites": ["routing"],\n}\n',
    );
    const config = loadConfig(file);
    expect(config.targets).toEqual(["emulator-local"]);
    expect(config.suites).toEqual(["routing"]);
  });

  it("a missing config file", () => {
    expect(() => loadConfig(join(dir, "missing.json"))).toThrow(`${join(dir, "missing.json")}: file not found`);
  });

  it("a remote target with a token is accepted, $schema is ignored", () => {
    const config = validateConfig({
      $schema: "x",
      targets: ["workerd", { remote: { url: "https://d.example.workers.dev", tokenEnv: "T" } }],
    });
    expect(config.targets).toEqual(["workerd", { remote: { url: "https://d.example.workers.dev", tokenEnv: "T" } }]);
  });
});
