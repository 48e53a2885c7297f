/**
 * Reads a `results.json` back (for `dwc report`): a file from another machine or another version of the harness
 * must fail with an error that says which file and what is wrong, never render a half-empty report.
 */
import { readFile } from "node:fs/promises";
import { forInvocation } from "../invocation.ts";
import { checkFuzzResults, FuzzResultsFileError, type FuzzResultsJson, isFuzzResults } from "./fuzz-results.ts";
import { RESULTS_VERSION, STATUSES, type ResultsJson } from "./results.ts";
import type { ExploreResult } from "../../simulation/explore/explore-result.ts";
import { checkExploreResults, ExploreResultsFileError, isExploreResults } from "./explore-results.ts";

export class ResultsFileError extends Error {
  override name = "ResultsFileError";
}

export async function readResultsJson(path: string): Promise<ResultsJson> {
  return checkResults(await readJson(path), path);
}

/** A `dwc run` results.json, a `dwc fuzz` fuzz-results.json (its `kind`) or a `dwc explore` explore-results.json. */
export type AnyResults =
  | { kind: "conformance"; results: ResultsJson }
  | { kind: "fuzz"; results: FuzzResultsJson }
  | { kind: "explore"; results: ExploreResult };

export async function readAnyResults(path: string): Promise<AnyResults> {
  const data = await readJson(path);
  try {
    if (isExploreResults(data)) return { kind: "explore", results: checkExploreResults(data, path) };
    if (!isFuzzResults(data)) return { kind: "conformance", results: checkResults(data, path) };
    return { kind: "fuzz", results: checkFuzzResults(data, path) };
  } catch (error) {
    if (error instanceof FuzzResultsFileError || error instanceof ExploreResultsFileError)
      throw new ResultsFileError(error.message);
    throw error;
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ResultsFileError(
      code === "ENOENT"
        ? `${path}: no such file (run \`${forInvocation("npm start")}\` first, or pass --from <results.json>)`
        : `${path}: ${(error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResultsFileError(`${path}: not JSON (${(error as Error).message})`);
  }
}

/** The fields the renderers rely on, checked with the path of the first wrong one. */
export function checkResults(data: unknown, file: string): ResultsJson {
  const fail = (where: string, problem: string): never => {
    throw new ResultsFileError(`${file}: ${where} ${problem}`);
  };
  if (!isObject(data)) return fail("the file", "is not a JSON object");
  if (data.version !== RESULTS_VERSION) {
    fail(
      "version",
      `is ${JSON.stringify(data.version)}, this harness reads version ${RESULTS_VERSION} (written by a different harness version?)`,
    );
  }
  if (typeof data.startedAt !== "string" || Number.isNaN(Date.parse(data.startedAt)))
    fail("startedAt", "must be an ISO date string");
  if (typeof data.durationMs !== "number") fail("durationMs", "must be a number");
  if (
    !isObject(data.subject) ||
    typeof data.subject.dispatcher !== "string" ||
    typeof data.subject.library !== "string"
  ) {
    fail("subject", "must be { dispatcher: string, library: string }");
  }
  if (!Array.isArray(data.targets)) return fail("targets", "must be an array");
  data.targets.forEach((t, i) => {
    if (!isObject(t) || typeof t.name !== "string" || typeof t.profile !== "string" || !isObject(t.capabilities)) {
      fail(`targets[${i}]`, "must be { name, profile, capabilities }");
    }
  });
  if (!Array.isArray(data.cases)) return fail("cases", "must be an array");
  data.cases.forEach((c, i) => {
    if (!isObject(c) || typeof c.id !== "string" || typeof c.title !== "string" || !Array.isArray(c.spec))
      fail(`cases[${i}]`, "must be { id, title, spec[] }");
  });
  if (!Array.isArray(data.results)) return fail("results", "must be an array");
  data.results.forEach((r, i) => {
    if (
      !isObject(r) ||
      typeof r.caseId !== "string" ||
      typeof r.target !== "string" ||
      typeof r.durationMs !== "number"
    ) {
      fail(`results[${i}]`, "must be { caseId, target, status, durationMs }");
    }
    if (!STATUSES.includes((r as { status: never }).status))
      fail(
        `results[${i}].status`,
        `is ${JSON.stringify((r as { status: unknown }).status)}, expected one of ${STATUSES.join(", ")}`,
      );
  });
  if (!isObject(data.summary)) fail("summary", "must be an object");
  if (!Array.isArray(data.findings)) fail("findings", "must be an array");
  return data as unknown as ResultsJson;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
