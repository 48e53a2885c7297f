/**
 * A package the user chose not to install (miniflare for the workerd target, the library itself) surfaces as
 * ERR_MODULE_NOT_FOUND deep in an import: this turns it into one line naming the package and the install command.
 */
const OPTIONAL_PACKAGES = ["miniflare", "@cloudflare/dynamic-workflows", "fast-check", "esbuild"];

/** The one-line advice for an error caused by a missing package we know, or undefined for any other error. */
export function missingPackageMessage(error: unknown): string | undefined {
  // Matched on Node's message ("Cannot find package 'x' imported from …"): a command may rewrap the error, code and all.
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== "string") return undefined;
  const name = OPTIONAL_PACKAGES.find((pkg) => message.includes(`Cannot find package '${pkg}'`));
  if (!name) return undefined;
  return `dwc: the package "${name}" is not installed; install it with: npm install --save-dev ${name}`;
}
