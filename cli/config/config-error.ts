/** A wrong configuration file (dwc.config.json, the wrangler file it names): one "field: why" line per problem. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** One entry per problem, each "field: why". */
    readonly problems: string[],
    /** The file as shown in messages. */
    readonly shownFile: string,
  ) {
    super(problems.map((p) => `${shownFile}: ${p}`).join("\n"));
  }
}
