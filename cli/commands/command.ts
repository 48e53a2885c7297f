/**
 * What every subcommand of the CLI (cli/main.ts) is: its help text and a function from arguments to an exit
 * status. A `UsageError` is a mistake in the command line or the config (exit 2, the message then the command's
 * help); anything else thrown is a bug in the harness (exit 2 with the stack).
 */
export interface Subcommand {
  /** The full `--help` text. */
  readonly help: string;
  /** Runs the command with the arguments after its name; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
}

export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    /** Whether the command's help follows the message (not for a wrong config file: the lines name every field). */
    readonly showHelp = true,
  ) {
    super(message);
  }
}
