/**
 * The explore part of `dwc report --from`: the explore-results.json files found merge into one run (the shards of
 * `dwc explore --shard i/n`, merge-explore-results.ts) and its explore.html, explore-junit.xml and
 * explore-results.json are written next to the other reports. Its own file so report.ts takes a few lines for it.
 */
import type { ExploreResult } from "../../simulation/explore/explore-result.ts";
import { exploreVerdict } from "./explore-results.ts";
import { mergeExploreResults } from "./merge-explore-results.ts";
import { writeExploreReports } from "./write-explore-reports.ts";

export interface ReportedExplore {
  /** One line for the console: what merged and its verdict. */
  line: string;
  verdict: "pass" | "fail";
  written: string[];
}

/** Throws MergeError when the files do not belong together (a missing shard is named). */
export async function reportExplore(
  found: readonly { file: string; results: ExploreResult }[],
  out: string,
): Promise<ReportedExplore> {
  const merged = mergeExploreResults(
    found.map((f) => f.results),
    found.map((f) => f.file),
  );
  const verdict = exploreVerdict(merged);
  const written = await writeExploreReports(out, merged);
  const findings = merged.cases.reduce((n, c) => n + c.findings.length, 0);
  const what = found.length === 1 ? found[0].file : `${found.length} explore results merged`;
  return {
    line: `${what}: ${merged.cases.length} workflow × input cases, ${findings} findings${merged.vacuity.length > 0 ? `, vacuous (${merged.vacuity.length})` : ""} (seed ${merged.seed}, ${merged.profile} profile; verdict ${verdict})`,
    verdict,
    written: [written.html, written.json, written.junit],
  };
}
