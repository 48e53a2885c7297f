/**
 * Writes `dwc explore`'s three reports into one directory (created if missing; other files in it are left alone,
 * so they sit next to `dwc run`'s index.html and results.json): explore-results.json (for programs and for
 * `dwc report --from`), explore-junit.xml (for CI), explore.html (for people). Each file whole or not at all.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ExploreResult } from "../../simulation/explore/explore-result.ts";
import { renderExploreHtml } from "./explore-html.ts";
import { renderExploreJunit } from "./explore-junit.ts";
import { EXPLORE_HTML_FILE, EXPLORE_JUNIT_FILE, EXPLORE_RESULTS_FILE } from "./explore-results.ts";
import { writeAtomic } from "./write-reports.ts";

export interface WrittenExploreReports {
  json: string;
  junit: string;
  html: string;
}

export async function writeExploreReports(
  dir: string,
  result: ExploreResult,
  options: { generatedAt?: Date } = {},
): Promise<WrittenExploreReports> {
  await mkdir(dir, { recursive: true });
  const written = {
    json: join(dir, EXPLORE_RESULTS_FILE),
    junit: join(dir, EXPLORE_JUNIT_FILE),
    html: join(dir, EXPLORE_HTML_FILE),
  };
  await writeAtomic(written.json, `${JSON.stringify(result, null, 2)}\n`);
  await writeAtomic(written.junit, renderExploreJunit(result));
  await writeAtomic(written.html, renderExploreHtml(result, options));
  return written;
}
