import { isAbsolute, relative } from "node:path";

/** How a path is shown in messages: relative to the cwd when under it, else absolute. */
export function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
