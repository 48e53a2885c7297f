import { isAbsolute, relative } from "node:path";

/** How a path is shown to the user: relative to the cwd when under it (short, copy-pastable), else absolute. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}
