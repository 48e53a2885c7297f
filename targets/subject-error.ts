import { isAbsolute, relative } from "node:path";

/**
 * A subject the harness cannot run as described (a binding a target lacks, a class the dispatcher does not export,
 * a deploy that fails): a setup error, reported once with what to change (exit 2), never a column of failed cases.
 */
export class SubjectError extends Error {
  override readonly name = "SubjectError";
  constructor(
    /** What is wrong, naming the file and field. */
    readonly problem: string,
    /** What to change. */
    readonly fix: string,
  ) {
    super(`${problem}\n  fix: ${fix}`);
  }
}

/** A file as messages show it: relative to the working folder when under it, else absolute. */
export function shownFile(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
