/**
 * WF-43: the rollback options of `step.do` (its last argument): `{ rollback, rollbackConfig? }`. The handler is a
 * function; `rollbackConfig` is a step config that may only set `retries` and `timeout` (the types'
 * `WorkflowStepRollbackConfig`), resolved with the profile's defaults like a step's config.
 *
 * Messages start with the local engine's text (workers-sdk `workflows-shared/src/lib/rollback.ts`
 * `parseRollbackOptions`) and then say what exactly is wrong.
 */
import type { Profile } from "../profiles.ts";
import { describeValue } from "./describe-value.ts";
import { WorkflowFatalError } from "./errors.ts";
import { resolveStepConfig, type ResolvedStepConfig } from "./validators.ts";

const SLEEPING_AND_RETRYING_DOCS = "https://developers.cloudflare.com/workflows/build/sleeping-and-retrying/";
const ROLLBACK_CONFIG_KEYS = ["retries", "timeout"];

export interface RollbackOptions {
  /** The handler, as the engine holds it (a stub of the tenant's function). */
  handler: (arg: unknown) => unknown;
  /** `rollbackConfig` with the defaults merged in: the handler's retries and timeout. */
  config: ResolvedStepConfig;
}

/** `undefined` means no rollback; anything else must be `{ rollback: function, rollbackConfig?: {retries?, timeout?} }`. */
export function resolveRollbackOptions(
  stepName: string,
  options: unknown,
  profile: Pick<Profile, "defaultRetryDelayMs">,
): RollbackOptions | null {
  if (options === undefined) return null;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new WorkflowFatalError(
      `Rollback options for "${stepName}" must be an object (got ${describeValue(options)}; pass { rollback: async ({ ctx, error, output, stepName }) => { ... } })`,
    );
  }
  const { rollback, rollbackConfig } = options as { rollback?: unknown; rollbackConfig?: unknown };
  if (typeof rollback !== "function") {
    throw new WorkflowFatalError(
      `Rollback for "${stepName}" must be a function (got ${describeValue(rollback)} in the options' "rollback" field)`,
    );
  }
  if (rollbackConfig !== undefined && rollbackConfig !== null) {
    const extra =
      typeof rollbackConfig === "object" && !Array.isArray(rollbackConfig)
        ? Object.keys(rollbackConfig).find((key) => !ROLLBACK_CONFIG_KEYS.includes(key))
        : undefined;
    if (extra !== undefined) {
      throw new WorkflowFatalError(
        `Rollback config for "${stepName}" is in a invalid format. See ${SLEEPING_AND_RETRYING_DOCS} (rollbackConfig accepts only retries and timeout, got "${extra}")`,
      );
    }
  }
  let config: ResolvedStepConfig;
  try {
    config = resolveStepConfig(stepName, rollbackConfig, profile);
  } catch (error) {
    const reason = /\((.*)\)$/.exec((error as Error).message)?.[1] ?? (error as Error).message;
    throw new WorkflowFatalError(
      `Rollback config for "${stepName}" is in a invalid format. See ${SLEEPING_AND_RETRYING_DOCS} (${reason})`,
    );
  }
  return { handler: rollback as (arg: unknown) => unknown, config };
}
