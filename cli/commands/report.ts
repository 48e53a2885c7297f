/**
 * `dwc report`: renders index.html and junit.xml (and a results.json) from one or more results.json files — to
 * regenerate a report after the harness's HTML changed, to read a CI artifact locally, or to merge the runs of
 * several CI jobs (one per target, one per shard) into one matrix (cli/reports/merge-results.ts). The fuzz shards'
 * fuzz-results.json merge back into their run (merge-fuzz-results.ts), and join the report's verdict.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { FUZZ_RESULTS_FILE, type FuzzResultsJson } from "../reports/fuzz-results.ts";
import { mergeFuzzResults } from "../reports/merge-fuzz-results.ts";
import { EXPLORE_RESULTS_FILE } from "../reports/explore-results.ts";
import { type ReportedExplore, reportExplore } from "../reports/report-explore.ts";
import type { ExploreResult } from "../../simulation/explore/explore-result.ts";
import { MergeError, mergeResults } from "../reports/merge-results.ts";
import { readAnyResults, ResultsFileError } from "../reports/read-results.ts";
import type { ResultsJson } from "../reports/results.ts";
import { writeFuzzResults, writeResultsReports } from "../reports/write-reports.ts";
import { UsageError, type Subcommand } from "./command.ts";
import { forInvocation } from "../invocation.ts";

const HELP = forInvocation(`Usage: dwc report [options]        (npm start -- report [options])

Renders the HTML and JUnit reports from results.json files written by "dwc run". With several --from files (say,
one CI job per target), merges them into one matrix: they must test the same dispatcher and library version, and
each case × target may appear in one file only. The fuzz-results.json files of "dwc fuzz --shard i/n" merge back
into their run (every shard must be there) and count in the verdict; so do the explore-results.json files of
"dwc explore --shard i/n" (explore.html, explore-junit.xml). Exit status 1 when the merged results contain
a failure or a fuzz violation, as "dwc run" or "dwc fuzz" would have; 2 when a file is missing or malformed.

Options:
  --from <path>   a results.json, fuzz-results.json or explore-results.json, or a folder: every such file under
                  it (CI artifacts downloaded into one folder). Repeatable; default reports/results.json
  --out <dir>     where to write index.html, junit.xml, results.json, fuzz-results.json and the explore reports
                  (default: the directory of the first --from file)
  -h, --help      this help
`);

const RESULT_FILES = ["results.json", FUZZ_RESULTS_FILE, EXPLORE_RESULTS_FILE];

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: "string", multiple: true },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const sources = (values.from ?? ["reports/results.json"]).flatMap(expand);
  const conformance: { file: string; results: ResultsJson }[] = [];
  const fuzz: { file: string; results: FuzzResultsJson }[] = [];
  const explore: { file: string; results: ExploreResult }[] = [];
  let explored: ReportedExplore | undefined;
  let merged: ResultsJson | undefined;
  let mergedFuzz: FuzzResultsJson | undefined;
  try {
    for (const file of sources) {
      const read = await readAnyResults(file);
      if (read.kind === "fuzz") fuzz.push({ file, results: read.results });
      else if (read.kind === "explore") explore.push({ file, results: read.results });
      else conformance.push({ file, results: read.results });
    }
    if (conformance.length > 0)
      merged = mergeResults(
        conformance.map((c) => c.results),
        conformance.map((c) => c.file),
      );
    if (fuzz.length > 0)
      mergedFuzz = mergeFuzzResults(
        fuzz.map((f) => f.results),
        fuzz.map((f) => f.file),
      );
    if (explore.length > 0) explored = await reportExplore(explore, values.out ?? dirname(sources[0]));
    if (merged && mergedFuzz && merged.subject.dispatcher !== mergedFuzz.subject.dispatcher)
      throw new MergeError(
        `the fuzz results tested ${mergedFuzz.subject.dispatcher} but the conformance results ${merged.subject.dispatcher}: only one subject per report`,
      );
  } catch (error) {
    if (error instanceof ResultsFileError || error instanceof MergeError) throw new UsageError(error.message);
    throw error;
  }
  const out = values.out ?? dirname(sources[0]);
  const written: string[] = [];
  if (mergedFuzz) {
    written.push(await writeFuzzResults(out, mergedFuzz));
    const shards = fuzz.length === 1 ? fuzz[0].file : `${fuzz.length} fuzz results merged`;
    const profiles = mergedFuzz.profiles
      .map((p) => `${p.profile} ${p.scenarios} scenarios, ${p.violation ? "a violation" : "0 violations"}`)
      .join("; ");
    process.stdout.write(
      `${shards}: ${profiles} (seed ${mergedFuzz.seed}, ${mergedFuzz.runs} runs in batches of ${mergedFuzz.batch}; verdict ${mergedFuzz.verdict})\n`,
    );
  }
  if (explored) {
    written.push(...explored.written);
    process.stdout.write(`${explored.line}\n`);
  }
  let verdict = mergedFuzz?.verdict ?? "pass";
  if (merged) {
    const failed = merged.results.filter((r) => r.status === "fail" || r.status === "divergence-fixed").length;
    process.stdout.write(
      `${conformance.length === 1 ? conformance[0].file : `${conformance.length} runs merged`}: ${merged.targets.length} targets, ${merged.cases.length} cases, ${merged.results.length} results, ${failed} failed (verdict ${merged.verdict})\n`,
    );
    if (mergedFuzz) {
      verdict = merged.verdict === "fail" || mergedFuzz.verdict === "fail" ? "fail" : "pass";
      merged = { ...merged, verdict, fuzz: mergedFuzz };
      process.stdout.write(`Verdict (conformance and fuzz): ${verdict}\n`);
    } else verdict = merged.verdict;
    const reports = await writeResultsReports(out, merged);
    written.unshift(reports.html, reports.json, reports.junit);
  }
  process.stdout.write(`Reports: ${written.join(", ")}\n`);
  return verdict === "fail" || explored?.verdict === "fail" ? 1 : 0;
}

/** A file as given; a folder as every results.json / fuzz-results.json under it, in path order. */
function expand(source: string): string[] {
  if (!existsSync(source) || !statSync(source).isDirectory()) return [source];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (RESULT_FILES.includes(entry.name)) found.push(path);
    }
  };
  walk(source);
  if (found.length === 0)
    throw new UsageError(`--from ${source}: a folder with no ${RESULT_FILES.join(" or ")} under it`, false);
  return found;
}

export const reportCommand: Subcommand = { help: HELP, run };
