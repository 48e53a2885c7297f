/** Option and config handling the commands share, so each mistake gets the same kind of message everywhere. */
import { ConfigError, findConfig, type HarnessConfig } from "../config/load-config.ts";
import { UsageError } from "./command.ts";

/** The config (`--config <file>`, else dwc.config.json if present, else the defaults); a wrong one is a usage error. */
export function configFor(file: string | undefined): HarnessConfig {
  try {
    return findConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`Invalid configuration:\n${error.message}`, false);
    throw error;
  }
}

/** `--<name> <raw>` as a whole number of at least `min`, or `fallback` when the option is absent. */
export function wholeNumber(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number${min > 0 ? ` ≥ ${min}` : ""}, got "${raw}"`);
  return n;
}
