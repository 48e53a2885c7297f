/**
 * JSON with comments and trailing commas (what `dwc init` writes, and what wrangler.jsonc is), parsed by
 * `jsonc-parser` (the parser VS Code uses). A mistake comes back as one message per problem naming its line and
 * column, since a config file with comments is edited by hand.
 */
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";

export class JsoncError extends Error {
  override readonly name = "JsoncError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/**
 * The parsed value; throws JsoncError naming the first syntax error as "line L, column C: <what>" (the errors after
 * it are mostly its echoes: a missing quote makes every later token look wrong).
 */
export function parseJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const { line, column } = lineAndColumn(text, errors[0].offset);
    throw new JsoncError([`line ${line}, column ${column}: ${describeCode(printParseErrorCode(errors[0].error))}`]);
  }
  return value;
}

/** jsonc-parser's codes (`CommaExpected`) in words, with the usual cause where there is one. */
function describeCode(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  if (code === "InvalidSymbol" || code === "PropertyNameExpected")
    return `${words} (names and strings need double quotes)`;
  return words;
}
