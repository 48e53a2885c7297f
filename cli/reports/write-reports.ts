/**
 * Writes the three reports of a run into one directory (created if missing; other files in it, such as a
 * README, are left alone): `index.html` (for people), `results.json` (for programs), `junit.xml` (for CI).
 */
import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
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

/** `@cloudflare/dynamic-workflows@<version>` as installed in node_modules (`unknown` if it cannot be read). */
export function installedLibrary(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL(`../../node_modules/${LIBRARY}/package.json`, import.meta.url), "utf8")) as { version?: string };
    return `${LIBRARY}@${pkg.version ?? "unknown"}`;
  } catch {
    return `${LIBRARY}@unknown`;
  }
}

/** Writes a file whole or not at all: a CI step that reads it never sees half a report. */
async function writeAtomic(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, "utf8");
  await rename(temporary, path);
}

export async function writeReports(dir: string, run: ReportRun, options: { generatedAt?: Date } = {}): Promise<WrittenReports> {
  return writeResultsReports(dir, buildResults(run, run.library ?? installedLibrary()), options);
}

/** The three reports from an already built results object (`dwc report` re-renders a results.json this way). */
export async function writeResultsReports(dir: string, results: ResultsJson, options: { generatedAt?: Date } = {}): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const written = { html: join(dir, "index.html"), json: join(dir, "results.json"), junit: join(dir, "junit.xml") };
  await writeAtomic(written.json, `${JSON.stringify(results, null, 2)}\n`);
  await writeAtomic(written.junit, renderJunit(results));
  await writeAtomic(written.html, renderHtml(results, { generatedAt: options.generatedAt }));
  return { ...written, results };
}
