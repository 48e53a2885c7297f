/**
 * Differences between two targets' histories of the same scenario (differential/history.ts), instance by
 * instance in creation order. Fields: `status`, `error`, `steps` (the markers' step names, attempts, caught errors,
 * received events), `output` (the rest of the scrubbed output; reported only when the steps agree, since a step
 * difference already changes the output), plus scenario-level `instances` (how many there are) and `problems`.
 */
import type { History, InstanceHistory } from "./history.ts";

export type DiffField = "instances" | "problems" | "status" | "error" | "steps" | "output";

export interface Difference {
  /** `#n`, or `*` for a scenario-level difference. */
  instance: string;
  field: DiffField;
  emulator: unknown;
  workerd: unknown;
}

/** Canonical JSON (keys sorted), so that key order never makes a difference. */
export function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, v[k]]),
          )
        : v,
    ) ?? "undefined"
  );
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

export function diffHistories(emulator: History, workerd: History): Difference[] {
  const out: Difference[] = [];
  if (emulator.instances.length !== workerd.instances.length) {
    out.push({
      instance: "*",
      field: "instances",
      emulator: emulator.instances.length,
      workerd: workerd.instances.length,
    });
  }
  if (!same(emulator.problems, workerd.problems))
    out.push({ instance: "*", field: "problems", emulator: emulator.problems, workerd: workerd.problems });
  const n = Math.min(emulator.instances.length, workerd.instances.length);
  for (let i = 0; i < n; i++) out.push(...diffInstance(emulator.instances[i], workerd.instances[i]));
  return out;
}

export function diffInstance(e: InstanceHistory, w: InstanceHistory): Difference[] {
  const out: Difference[] = [];
  const d = (field: DiffField, a: unknown, b: unknown) => {
    if (!same(a, b)) out.push({ instance: e.ref, field, emulator: a, workerd: b });
  };
  d("status", e.status, w.status);
  d("error", e.error, w.error);
  d("steps", e.steps, w.steps);
  if (same(e.steps, w.steps)) d("output", e.output, w.output);
  return out;
}

/** One line per difference, for people (against local workerd). */
export function renderDifference(diff: Difference): string {
  return renderDifferenceAgainst(diff, "workerd");
}

/**
 * One line per difference, for people. `real` names the side the `workerd` field holds: local workerd, or the
 * deployment (`remote`) with `dwc compare --target remote`.
 */
export function renderDifferenceAgainst(diff: Difference, real: string): string {
  const where = diff.instance === "*" ? "scenario" : `instance ${diff.instance}`;
  return `${where} ${diff.field}: emulator ${short(diff.emulator)} | ${real} ${short(diff.workerd)}`;
}

function short(value: unknown): string {
  const text = canonical(value);
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
