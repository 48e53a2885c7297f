/**
 * The command line: `dwc <command> [options]` (the package's `bin`; `npm start` is `dwc run`, `npm run fuzz` is
 * `dwc fuzz`, `npm run compare` is `dwc compare`). Each command lives in cli/commands/ and is imported only
 * when chosen: miniflare alone takes seconds to load, and `run --target remote` or `report` never need it.
 */
import type { Subcommand } from "./commands/command.ts";
import { UsageError } from "./commands/command.ts";
import { missingPackageMessage } from "./missing-package.ts";
import { forInvocation } from "./invocation.ts";

const COMMANDS: Record<string, { summary: string; load: () => Promise<Subcommand> }> = {
  run: {
    summary: "run the conformance suites on the targets and write the reports (the default command)",
    load: async () => (await import("./commands/run.ts")).runCommand,
  },
  check: {
    summary:
      "check that the subject meets the contract (exports, bindings, a probe tenant end to end); run first by run, fuzz, compare",
    load: async () => (await import("./commands/check.ts")).checkCommand,
  },
  fuzz: {
    summary: "property-based fuzzing of sleep/retry/event/eviction/crash schedules on the emulator",
    load: async () => (await import("./commands/fuzz.ts")).fuzzCommand,
  },
  compare: {
    summary:
      "run the same seeded scenarios on the emulator and workerd (or a deployment: --target remote), and diff them",
    load: async () => (await import("./commands/compare.ts")).compareCommand,
  },
  explore: {
    summary: "run your tenants' own workflows under every crash/eviction/hibernation schedule and check replay safety",
    load: async () => (await import("./commands/explore.ts")).exploreCommand,
  },
  init: {
    summary: "set up dwc in your project: dwc.config.json, an adapter stub if needed, a GitHub Actions workflow",
    load: async () => (await import("./commands/init.ts")).initCommand,
  },
  report: {
    summary: "re-render index.html and junit.xml from a results.json (e.g. one downloaded from CI)",
    load: async () => (await import("./commands/report.ts")).reportCommand,
  },
};

/** Examples as [command, what]: the command is rewritten for the invocation first, then the columns aligned. */
const EXAMPLES: Array<[string, string]> = [
  ["npm start", "emulator (both profiles) + local workerd, reports in reports/"],
  ["npm start -- run --target emulator-production --suite routing", ""],
  ["npm start -- fuzz --runs 5000 --profile both", ""],
  ["npm start -- compare --scenarios 200 --seed 1", ""],
  ["npm start -- report --from ci-artifacts --out merged", "merge CI artifacts (conformance and fuzz shards)"],
  ["npm start -- init", "dwc.config.json and a CI workflow for your project"],
];

const HELP = `${forInvocation(`Usage: dwc <command> [options]        (in this repository: npm start -- <command> [options])

Conformance harness and reference emulator for @cloudflare/dynamic-workflows.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)}${c.summary}`)
  .join("\n")}

Without a command, "run". Settings come from dwc.config.json when it exists (--config picks another file).
"dwc <command> --help" describes a command's options.
`)}
Examples:
${EXAMPLES.map(([command, what]) => `  ${what ? `${forInvocation(command).padEnd(54)}${what}` : forInvocation(command)}`).join("\n")}
`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith("-")) {
    if (first === "-h" || first === "--help" || first === "help") {
      process.stdout.write(HELP);
      return 0;
    }
    return dispatch("run", argv);
  }
  if (first === "help") {
    if (rest[0] && COMMANDS[rest[0]]) return dispatch(rest[0], ["--help"]);
    process.stdout.write(HELP);
    return 0;
  }
  if (!COMMANDS[first]) {
    process.stderr.write(`Unknown command "${first}".\n\n${HELP}`);
    return 2;
  }
  return dispatch(first, rest);
}

async function dispatch(name: string, argv: string[]): Promise<number> {
  const command = await COMMANDS[name].load();
  try {
    return await command.run(argv);
  } catch (error) {
    const advice = missingPackageMessage(error);
    if (advice) {
      process.stderr.write(`${advice}\n`);
      return 2;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      const help = error instanceof UsageError && !error.showHelp ? "" : `\n${command.help}`;
      process.stderr.write(`${(error as Error).message}\n${help}`);
      return 2;
    }
    throw error;
  }
}

/** node:util parseArgs throws TypeErrors with these codes for unknown or malformed options: usage, not a bug. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    const advice = missingPackageMessage(error);
    process.stderr.write(`${advice ?? (error instanceof Error ? error.stack : String(error))}\n`);
    process.exit(2);
  },
);
