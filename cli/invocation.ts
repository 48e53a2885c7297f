/**
 * How the user runs us, so help texts and replay lines print a command they can paste. Running from the sources
 * (tsx, this repository) means the package scripts: `npm start -- …`, `npm run fuzz -- …`. Running compiled code
 * means the installed package in someone else's project, where those scripts do not exist: `npx dwc <command> …`.
 */
export type Invocation = "repository" | "installed";

export const INVOCATION: Invocation = import.meta.url.endsWith(".ts") ? "repository" : "installed";

/** The words that start `command` (before its options), e.g. `npx dwc fuzz` or `npm run fuzz --`. */
export function commandPrefix(
  command: "run" | "fuzz" | "compare" | "report" | "init" | "explore",
  invocation: Invocation = INVOCATION,
): string {
  if (invocation === "installed") return `npx dwc ${command}`;
  if (command === "run") return "npm start --";
  if (command === "fuzz" || command === "compare") return `npm run ${command} --`;
  return `npm start -- ${command}`;
}

/** Rewrites the repository's `npm start -- X` / `npm run fuzz -- X` examples in a help text for this invocation. */
export function forInvocation(text: string, invocation: Invocation = INVOCATION): string {
  if (invocation === "repository") return text;
  return text
    .replace(/^Usage: dwc (.*?)\s+\((?:in this repository: )?npm [^)]*\)$/m, "Usage: npx dwc $1")
    .replace(/npm run (fuzz|compare) -- /g, "npx dwc $1 ")
    .replace(/npm start -- (compare|fuzz|report|run|init|explore)\b/g, "npx dwc $1")
    .replace(/npm start -- /g, "npx dwc run ")
    .replace(/\bnpm start\b/g, "npx dwc run");
}
