/**
 * `dwc check`: the preflight (cli/preflight.ts) on each target, without running any case — exports, bindings, a
 * probe tenant deployed and reached through the dispatcher, an instance created through the tenant's wrapped
 * binding with the expected metadata. Exit 0 when every step passes on every target, 2 otherwise (a setup error,
 * not a failed case). `run`, `fuzz` and `compare` run the same steps first (`preflightTargets`).
 */
import { parseArgs } from "node:util";
import type { SubjectDescription } from "../../contract/subject.ts";
import type { Target } from "../../contract/target.ts";
import { isTargetName, LOCAL_TARGETS, TARGETS } from "../../targets/registry.ts";
import { forInvocation } from "../invocation.ts";
import { formatPreflight, preflight, preflightPassed } from "../preflight.ts";
import { describeSubject, subjectFor } from "../subject.ts";
import { UsageError, type Subcommand } from "./command.ts";
import { configFor } from "./options.ts";

const HELP = forInvocation(`Usage: dwc check [options]        (npm start -- check [options])

Checks that the subject meets the contract before any case runs, on each target: the wrangler file's classes are
exported, its bindings resolve, a probe tenant is deployed and reached through the dispatcher, and an instance
created through the tenant's wrapped binding runs with the expected metadata. Each failed step says what was
expected, what came back and what to change. Exit 0 all good, 2 a step failed.

Options:
  --config <file>   the config file (default: dwc.config.json if present, else the built-in defaults)
  --dispatcher <f>  the dispatcher entry (overrides the wrangler file's main and the config's "dispatcher")
  --target <name>   a local target to check (repeatable): ${LOCAL_TARGETS.join(", ")}. Default: the config's targets
  -h, --help        this help
`);

/**
 * The preflight on every target, printed: only failures in full (and one line per passing target) unless
 * `verbose`. Resolves to whether every target passed.
 */
export async function preflightTargets(
  targets: ReadonlyMap<string, Target>,
  subject: SubjectDescription | undefined,
  options: { verbose?: boolean; write?: (text: string) => void } = {},
): Promise<boolean> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  let passed = true;
  for (const [name, target] of targets) {
    const steps = await preflight(target, subject);
    const ok = preflightPassed(steps);
    passed &&= ok;
    if (options.verbose || !ok) write(`${formatPreflight(name, steps)}\n`);
    else write(`preflight ${name}: ok (${steps.length} steps)\n`);
  }
  if (!passed)
    write(
      "\nThe subject does not meet the contract (docs/subject-contract.md): fix the failed step above, then run again.\n",
    );
  return passed;
}

async function check(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      dispatcher: { type: "string" },
      target: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = configFor(values.config);
  const subject = subjectFor(config, values.dispatcher);
  const names =
    values.target ?? config.targets.filter((t): t is (typeof LOCAL_TARGETS)[number] => typeof t === "string");
  const targets = new Map<string, Target>();
  for (const name of names) {
    if (!isTargetName(name) || name === "remote")
      throw new UsageError(`Unknown target "${name}". dwc check runs on: ${LOCAL_TARGETS.join(", ")}`);
    targets.set(
      name,
      await TARGETS[name]({ subject, dispatcherPath: subject.main, compatibilityDate: subject.compatibilityDate }),
    );
  }
  process.stdout.write(
    `${describeSubject(subject.main, config.file, process.cwd(), subject.wranglerFile).join("\n")}\n`,
  );
  return (await preflightTargets(targets, subject, { verbose: true })) ? 0 : 2;
}

export const checkCommand: Subcommand = { help: HELP, run: check };
