/**
 * `explore` in dwc.config.json: the tenants' own workflows `dwc explore` runs under fault schedules.
 *
 *   "explore": {
 *     "runs": 50,                                   // random schedules per workflow × input (default 50)
 *     "workflows": [{
 *       "name": "orders",                           // for reports and --workflow
 *       "tenant": "acme",                           // the tenant id the instances are created for
 *       "code": "./tenants/orders",                 // a folder with an entry module, or one (bundled) file
 *       "className": "OrderWorkflow",               // the exported WorkflowEntrypoint
 *       "inputs": [{ "name": "small", "params": { … },
 *                    "events": [{ "type": "approved", "payload": { … }, "at": "2 days" }], "runFor": "7 days" }]
 *     }]
 *   }
 *
 * Validation only: paths are resolved and checked here, the code is bundled when the command runs
 * (cli/explore/tenant-code.ts). One "explore.<path>: why" line per problem, with the fix where there is one.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { ExploreInput } from "../../simulation/explore/explore-result.ts";
import { readDuration } from "./duration.ts";

export interface ExploreWorkflowConfig {
  name: string;
  tenant: string;
  /** Absolute path of the code: a folder (its entry module is found when bundling) or one file. */
  code: string;
  /** As written in the config, for messages. */
  codeShown: string;
  className: string;
  inputs: ExploreInput[];
}

export interface ExploreConfig {
  /** Random schedules per workflow × input (`--runs` overrides). */
  runs: number;
  workflows: ExploreWorkflowConfig[];
}

export const DEFAULT_EXPLORE_RUNS = 50;
/** Entry modules looked for in a code folder, in this order. */
export const ENTRY_CANDIDATES = ["index.ts", "index.js", "index.mjs", "src/index.ts", "src/index.js", "src/index.mjs"];

const SECTION_KEYS = ["runs", "workflows"];
const WORKFLOW_KEYS = ["name", "tenant", "code", "className", "inputs"];
const INPUT_KEYS = ["name", "params", "events", "runFor"];
const EVENT_KEYS = ["type", "payload", "at"];
/** Names appear in replay commands (`--workflow orders --input small`): no quoting needed. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const EXAMPLE_WORKFLOW = `{ "name": "orders", "tenant": "acme", "code": "./tenants/orders", "className": "OrderWorkflow", "inputs": [{ "name": "default", "params": {} }] }`;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Validates `explore`, pushing one line per problem; returns what was valid (the caller throws on any problem). */
export function readExplore(raw: unknown, baseDir: string, problems: string[]): ExploreConfig {
  const config: ExploreConfig = { runs: DEFAULT_EXPLORE_RUNS, workflows: [] };
  if (!isObject(raw)) {
    problems.push(`explore: must be an object like { "workflows": [${EXAMPLE_WORKFLOW}] }`);
    return config;
  }
  unknownKeys("explore", raw, SECTION_KEYS, problems);
  if (raw.runs !== undefined) {
    if (typeof raw.runs !== "number" || !Number.isInteger(raw.runs) || raw.runs < 0)
      problems.push(`explore.runs: must be a whole number ≥ 0 (random schedules per input), got ${show(raw.runs)}`);
    else config.runs = raw.runs;
  }
  if (!Array.isArray(raw.workflows) || raw.workflows.length === 0) {
    problems.push(
      `explore.workflows: must list at least one workflow, e.g. [${EXAMPLE_WORKFLOW}], got ${show(raw.workflows)}`,
    );
    return config;
  }
  const names = new Set<string>();
  raw.workflows.forEach((value: unknown, index: number) => {
    const field = `explore.workflows[${index}]`;
    const name = isObject(value) ? value.name : undefined;
    if (typeof name === "string" && names.has(name))
      problems.push(`${field}.name: "${name}" is used twice (each workflow needs its own name)`);
    if (typeof name === "string") names.add(name);
    const workflow = readWorkflow(value, field, baseDir, problems);
    if (workflow) config.workflows.push(workflow);
  });
  return config;
}

function readWorkflow(
  raw: unknown,
  field: string,
  baseDir: string,
  problems: string[],
): ExploreWorkflowConfig | undefined {
  if (!isObject(raw)) {
    problems.push(`${field}: must be an object like ${EXAMPLE_WORKFLOW}`);
    return undefined;
  }
  const before = problems.length;
  unknownKeys(field, raw, WORKFLOW_KEYS, problems);
  const name = readName(raw.name, `${field}.name`, problems);
  if (typeof raw.tenant !== "string" || raw.tenant === "")
    problems.push(`${field}.tenant: required, the tenant id the instances are created for, got ${show(raw.tenant)}`);
  if (typeof raw.className !== "string" || !IDENTIFIER.test(raw.className))
    problems.push(
      `${field}.className: required, the name of the exported WorkflowEntrypoint class (e.g. "OrderWorkflow"), got ${show(raw.className)}`,
    );
  const code = readCode(raw.code, `${field}.code`, baseDir, problems);
  const inputs: ExploreInput[] = [];
  if (!Array.isArray(raw.inputs) || raw.inputs.length === 0)
    problems.push(
      `${field}.inputs: must list at least one input, e.g. [{ "name": "default", "params": {} }], got ${show(raw.inputs)}`,
    );
  else {
    const inputNames = new Set<string>();
    raw.inputs.forEach((value: unknown, index: number) => {
      const input = readInput(value, `${field}.inputs[${index}]`, problems);
      if (!input) return;
      if (inputNames.has(input.name))
        problems.push(`${field}.inputs[${index}].name: "${input.name}" is used twice in this workflow`);
      inputNames.add(input.name);
      inputs.push(input);
    });
  }
  if (problems.length > before || name === undefined || code === undefined) return undefined;
  return {
    name,
    tenant: raw.tenant as string,
    code,
    codeShown: raw.code as string,
    className: raw.className as string,
    inputs,
  };
}

function readCode(raw: unknown, field: string, baseDir: string, problems: string[]): string | undefined {
  if (typeof raw !== "string" || raw === "") {
    problems.push(
      `${field}: required, the tenant's code: a folder with an entry module (${ENTRY_CANDIDATES.slice(0, 2).join(", ")}, …) or one bundled file, got ${show(raw)}`,
    );
    return undefined;
  }
  const path = resolve(baseDir, raw);
  if (!existsSync(path)) {
    problems.push(`${field}: not found: ${raw} (paths resolve from the config file's folder)`);
    return undefined;
  }
  if (statSync(path).isDirectory()) {
    if (!ENTRY_CANDIDATES.some((entry) => existsSync(resolve(path, entry)))) {
      problems.push(
        `${field}: the folder ${raw} has no entry module (looked for ${ENTRY_CANDIDATES.join(", ")}): add one, or name the file itself`,
      );
      return undefined;
    }
  } else if (!/\.(m?js|cjs|ts|mts)$/.test(path)) {
    problems.push(`${field}: ${raw} is not a JavaScript or TypeScript module (.js, .mjs, .ts)`);
    return undefined;
  }
  return path;
}

function readInput(raw: unknown, field: string, problems: string[]): ExploreInput | undefined {
  if (!isObject(raw)) {
    problems.push(`${field}: must be an object like { "name": "default", "params": {}, "events": [] }`);
    return undefined;
  }
  const before = problems.length;
  unknownKeys(field, raw, INPUT_KEYS, problems);
  const name = readName(raw.name, `${field}.name`, problems);
  const events: ExploreInput["events"] = [];
  if (raw.events !== undefined && !Array.isArray(raw.events))
    problems.push(`${field}.events: must be an array of { "type", "payload", "at" }, got ${show(raw.events)}`);
  else
    (raw.events ?? []).forEach((value: unknown, index: number) => {
      const event = readEvent(value, `${field}.events[${index}]`, problems);
      if (event) events.push(event);
    });
  let runForMs: number | undefined;
  if (raw.runFor !== undefined) {
    const read = readDuration(raw.runFor);
    if ("problem" in read) problems.push(`${field}.runFor: ${read.problem}`);
    else if (read.ms === 0) problems.push(`${field}.runFor: must be longer than 0 (how long a run may take)`);
    else runForMs = read.ms;
  }
  if (problems.length > before || name === undefined) return undefined;
  const input: ExploreInput = { name, params: raw.params ?? {}, events };
  if (runForMs !== undefined) input.runForMs = runForMs;
  return input;
}

function readEvent(raw: unknown, field: string, problems: string[]): ExploreInput["events"][number] | undefined {
  if (!isObject(raw)) {
    problems.push(`${field}: must be an object like { "type": "approved", "payload": {}, "at": "1 hour" }`);
    return undefined;
  }
  const before = problems.length;
  unknownKeys(field, raw, EVENT_KEYS, problems);
  if (typeof raw.type !== "string" || raw.type === "")
    problems.push(
      `${field}.type: required, the type the workflow's step.waitForEvent waits for, got ${show(raw.type)}`,
    );
  let atMs = 0;
  if (raw.at === undefined)
    problems.push(`${field}.at: required, when the event is sent after creation ("2 days", or milliseconds)`);
  else {
    const read = readDuration(raw.at);
    if ("problem" in read) problems.push(`${field}.at: ${read.problem}`);
    else atMs = read.ms;
  }
  if (problems.length > before) return undefined;
  return { type: raw.type as string, payload: raw.payload ?? null, atMs };
}

function readName(raw: unknown, field: string, problems: string[]): string | undefined {
  if (typeof raw === "string" && NAME.test(raw)) return raw;
  problems.push(
    `${field}: required, letters, digits, ".", "_" or "-" (it is typed in --workflow / --input), got ${show(raw)}`,
  );
  return undefined;
}

function unknownKeys(field: string, raw: Record<string, unknown>, known: string[], problems: string[]): void {
  for (const key of Object.keys(raw))
    if (!known.includes(key)) problems.push(`${field}.${key}: unknown key (known: ${known.join(", ")})`);
}

const show = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value));
