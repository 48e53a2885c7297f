/**
 * An error that says the target cannot go on — a refused token, a spent time budget — rather than that something
 * the harness did failed. Runners stop at it (a scenario run rethrows it, a settle ends at once) instead of
 * recording it as one more problem of the run, and the CLI reports it as a setup error (exit 2).
 */
export class TargetUnusableError extends Error {}

export function isTargetUnusable(error: unknown): error is TargetUnusableError {
  return error instanceof TargetUnusableError;
}
