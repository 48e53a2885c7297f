/**
 * Writes the three reports of a run into one directory (created if missing; other files in it, such as a
 * README, are left alone): `index.html` (for people), `results.json` (for programs), `junit.xml` (for CI).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FUZZ_RESULTS_FILE, type FuzzResultsJson } from "./fuzz-results.ts";
import { renderHtml } from "./html.ts";
import { renderJunit } from "./junit.ts";
import { buildResults, type ReportRun, type ResultsJson } from "./results.ts";

export type { ReportRun, ResultsJson } from "./results.ts";

export const LIBRARY = "@cloudflare/dynamic-workflows";

export interface WrittenReports {
  html: string;
  json: string;
  junit: string;
  results: ResultsJson;
}

/**
 * `@cloudflare/dynamic-workflows@<version>` as Node would find it from the working folder (the user's install), else
 * from the tool's own folder; `unknown` only if neither has it. (The package exports only its ESM entry, so
 * `require.resolve` cannot be used; the node_modules folders are walked the way Node looks them up.)
 */
export function installedLibrary(workingFolder: string = process.cwd()): string {
  for (const start of [workingFolder, dirname(fileURLToPath(import.meta.url))]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const file = join(dir, "node_modules", LIBRARY, "package.json");
      if (existsSync(file)) {
        try {
          const version = (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version;
          if (version) return `${LIBRARY}@${version}`;
        } catch {
          // unreadable: keep looking further up
        }
      }
      if (dir === dirname(dir)) break;
    }
  }
  return `${LIBRARY}@unknown`;
}

/** Writes a file whole or not at all: a CI step that reads it never sees half a report. */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, "utf8");
  await rename(temporary, path);
}

export async function writeReports(
  dir: string,
  run: ReportRun,
  options: { generatedAt?: Date } = {},
): Promise<WrittenReports> {
  return writeResultsReports(dir, buildResults(run, run.library ?? installedLibrary()), options);
}

/** The three reports from an already built results object (`dwc report` re-renders a results.json this way). */
export async function writeResultsReports(
  dir: string,
  results: ResultsJson,
  options: { generatedAt?: Date } = {},
): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const written = { html: join(dir, "index.html"), json: join(dir, "results.json"), junit: join(dir, "junit.xml") };
  await writeAtomic(written.json, `${JSON.stringify(results, null, 2)}\n`);
  await writeAtomic(written.junit, renderJunit(results));
  await writeAtomic(written.html, renderHtml(results, { generatedAt: options.generatedAt }));
  return { ...written, results };
}

/** `<dir>/fuzz-results.json` for `dwc fuzz` (whole, or not at all); returns its path. */
export async function writeFuzzResults(dir: string, results: FuzzResultsJson): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, FUZZ_RESULTS_FILE);
  await writeAtomic(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
