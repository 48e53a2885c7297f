/**
 * The observable history of a scenario run on one target, scrubbed of everything that is specific to that run, so
 * that two targets' histories can be compared field by field (differential/diff.ts):
 *
 * - instance ids → `#n` (their creation order in the scenario), wherever they occur (output, error messages,
 *   problems);
 * - isolate ids (`isolate` keys of the probe's markers) removed: each target makes its own;
 * - timestamps removed (keys that name a time, ISO-8601 strings, epoch-millisecond numbers under such keys);
 * - `__LOCAL_DEV_STEP_OUTPUTS` and other `__`-prefixed engine internals removed.
 *
 * What is kept, per instance in creation order: the tenant, the final status, the scrubbed output, the error
 * ({name, message} with ids scrubbed), and the step sequence the output's markers show (step name, attempt number,
 * whether it was caught, the event it received).
 */
import type { ScenarioObservation } from "../suites/properties/observation.ts";

export interface StepHistory {
  step: string;
  attempt?: number;
  /** The step or wait failed and the probe caught it: the error's name. */
  caught?: string;
  /** A wait received an event: its type. */
  event?: string;
}

export interface InstanceHistory {
  /** `#n`: creation order in the scenario (0-based). */
  ref: string;
  tenant: string;
  status: string;
  output: unknown;
  error: { name: string; message: string } | null;
  steps: StepHistory[];
}

export interface History {
  target: string;
  instances: InstanceHistory[];
  /** Harness-level problems the runner saw (a 5xx, a failed create), ids scrubbed. */
  problems: string[];
  /** Commands the target could not do (empty when only workerd-expressible commands are generated). */
  dropped: string[];
}

const TIME_KEY = /^(timestamp|time|ts|date|start|end)$|(At|Time|Timestamp|Date)$/;
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** Replaces every known instance id in `text` by its `#n`; any other UUID left becomes `<uuid>`, dates `<time>`. */
export function scrubText(text: string, ids: ReadonlyMap<string, string>): string {
  let out = text;
  // longest first, so an id that contains another is replaced whole
  for (const [id, ref] of [...ids].sort((a, b) => b[0].length - a[0].length)) {
    if (id) out = out.split(id).join(ref);
  }
  return out.replace(ISO_DATE, "<time>").replace(UUID, "<uuid>");
}

/** A deep copy of `value` without isolate ids, timestamps and engine internals; ids → `#n`. Keys are sorted. */
export function scrubValue(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") return scrubText(value, ids);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, ids));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === "isolate" || key.startsWith("__") || TIME_KEY.test(key)) continue;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out[key] = scrubValue(v, ids);
  }
  return out;
}

interface Marker {
  step?: unknown;
  attempt?: unknown;
  caught?: { name?: unknown };
  event?: unknown;
}

/** The step sequence a probe output's markers show. */
export function stepsOf(output: unknown): StepHistory[] {
  const markers = (output as { markers?: unknown } | null | undefined)?.markers;
  if (!Array.isArray(markers)) return [];
  return (markers as Marker[]).map((m) => {
    const record: StepHistory = { step: String(m.step) };
    if (typeof m.attempt === "number") record.attempt = m.attempt;
    if (m.caught) record.caught = String(m.caught.name);
    if (typeof m.event === "string") record.event = m.event;
    return record;
  });
}

/** The scrubbed history of one observation (instances in creation order). */
export function historyOf(
  observation: Pick<ScenarioObservation, "target" | "instances" | "problems" | "dropped">,
): History {
  const ids = new Map(observation.instances.map((instance, index) => [instance.id, `#${index}`]));
  return {
    target: observation.target,
    instances: observation.instances.map((instance, index) => {
      const output =
        instance.output === null || instance.output === undefined ? null : scrubValue(instance.output, ids);
      const error = instance.error
        ? { name: String(instance.error.name), message: scrubText(String(instance.error.message), ids) }
        : null;
      return {
        ref: `#${index}`,
        tenant: instance.tenant,
        status: instance.status,
        output,
        error,
        steps: stepsOf(output),
      };
    }),
    problems: observation.problems.map((p) => scrubText(p, ids)),
    dropped: [...observation.dropped],
  };
}
