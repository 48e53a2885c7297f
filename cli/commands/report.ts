/**
 * `dwc report`: renders index.html and junit.xml (and a results.json) from one or more results.json files — to
 * regenerate a report after the harness's HTML changed, to read a CI artifact locally, or to merge the runs of
 * several CI jobs (one per target) into one matrix (cli/reports/merge-results.ts).
 */
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { MergeError, mergeResults } from "../reports/merge-results.ts";
import { readResultsJson, ResultsFileError } from "../reports/read-results.ts";
import { writeResultsReports } from "../reports/write-reports.ts";
import { UsageError, type Subcommand } from "./command.ts";
import { forInvocation } from "../invocation.ts";

const HELP = forInvocation(`Usage: dwc report [options]        (npm start -- report [options])

Renders the HTML and JUnit reports from results.json files written by "dwc run". With several --from files (say,
one CI job per target), merges them into one matrix: they must test the same dispatcher and library version, and
each case × target may appear in one file only. Exit status 1 when the (merged) results contain a failure, as
"dwc run" would have; 2 when a file is missing or malformed.

Options:
  --from <file>   a results.json to read (repeatable; default reports/results.json)
  --out <dir>     where to write index.html, junit.xml and results.json (default: the directory of the first --from)
  -h, --help      this help
`);

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
  const sources = values.from ?? ["reports/results.json"];
  let merged: ReturnType<typeof mergeResults>;
  try {
    const runs = await Promise.all(sources.map((source) => readResultsJson(source)));
    merged = mergeResults(runs, sources);
  } catch (error) {
    if (error instanceof ResultsFileError || error instanceof MergeError) throw new UsageError(error.message);
    throw error;
  }
  const out = values.out ?? dirname(sources[0]);
  const written = await writeResultsReports(out, merged);
  const cells = merged.results.length;
  const failed = merged.results.filter((r) => r.status === "fail" || r.status === "divergence-fixed").length;
  process.stdout.write(
    `${sources.length === 1 ? sources[0] : `${sources.length} runs merged`}: ${merged.targets.length} targets, ${merged.cases.length} cases, ${cells} results, ${failed} failed (verdict ${merged.verdict})\n`,
  );
  process.stdout.write(`Reports: ${written.html}, ${written.json}, ${written.junit}\n`);
  return merged.verdict === "fail" ? 1 : 0;
}

export const reportCommand: Subcommand = { help: HELP, run };
