/**
 * `dwc init`: sets up the harness in a user's project — a commented dwc.config.json for their dispatcher (found
 * from the wrangler config), an adapter stub when the dispatcher does not speak the reference contract, and a
 * GitHub Actions workflow (cli/init/templates.ts). Idempotent: a file already as init would write it is left as
 * is, a file that differs is kept unless --force.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { findProject, NotAProjectError } from "../init/find-project.ts";
import {
  ADAPTER_FILE,
  adapterTemplate,
  CONFIG_FILE,
  configTemplate,
  WORKFLOW_FILE,
  workflowTemplate,
} from "../init/templates.ts";
import { commandPrefix, forInvocation } from "../invocation.ts";
import { UsageError, type Subcommand } from "./command.ts";

const HELP = forInvocation(`Usage: dwc init [options]        (npm start -- init [options])

Sets up dwc in your dispatcher's project (the current folder, which must hold a package.json or a wrangler
config):
  dwc.config.json              the dispatcher (wrangler's "main"), the targets, fuzz and report settings, commented
  dwc.adapter.mjs              only when the dispatcher does not follow the reference contract: a placeholder
  .github/workflows/dwc.yml    GitHub Actions: conformance per target and fuzz shards as separate jobs, merged
                               by "dwc report --from" into one report with one verdict
Running it again changes nothing; a file you edited is kept unless --force.

Options:
  --force       overwrite files that differ from what init would write
  --dir <dir>   the project folder (default: the current folder)
  -h, --help    this help
`);

type Outcome = "wrote" | "overwrote" | "unchanged" | "kept";

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      force: { type: "boolean" },
      dir: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = resolve(values.dir ?? ".");
  if (!existsSync(dir)) throw new UsageError(`--dir: no such folder: ${values.dir}`);
  let project: ReturnType<typeof findProject>;
  try {
    project = findProject(dir);
  } catch (error) {
    if (error instanceof NotAProjectError) throw new UsageError(error.message, false);
    throw error;
  }
  for (const note of project.notes) process.stdout.write(`${note}\n`);

  const files: Array<[string, string]> = [
    [CONFIG_FILE, configTemplate(project)],
    ...(project.needsAdapter ? [[ADAPTER_FILE, adapterTemplate(project)] as [string, string]] : []),
    [WORKFLOW_FILE, workflowTemplate(project)],
  ];
  const outcomes = files.map(([name, content]) => [name, place(join(dir, name), content, values.force === true)]);
  for (const [name, outcome] of outcomes) {
    const why = outcome === "kept" ? " (it differs from the template; --force overwrites it)" : "";
    process.stdout.write(`${outcome.padEnd(9)} ${name}${why}\n`);
  }
  process.stdout.write(
    `Next: ${commandPrefix("run").replace(/ --$/, "")}, then ${commandPrefix("fuzz")} --runs 50; commit ${WORKFLOW_FILE} to run both in CI\n`,
  );
  return 0;
}

/** Writes `content` unless the file already holds it, or holds something else and `force` is off. */
function place(path: string, content: string, force: boolean): Outcome {
  if (existsSync(path)) {
    if (readFileSync(path, "utf8") === content) return "unchanged";
    if (!force) return "kept";
    writeFileSync(path, content);
    return "overwrote";
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return "wrote";
}

export const initCommand: Subcommand = { help: HELP, run };
