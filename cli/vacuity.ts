/**
 * A run that created no instance on a target proved nothing there, whatever its cases say (issue 13: no false
 * greens). Names the first refused request, which is usually the cause (a dispatcher that answers 404 to everything).
 */
import type { CaseResult } from "../suites/run-case.ts";

/** One message per target on which the run created no instance (cases that did not start are not counted). */
export function vacuousTargets(results: CaseResult[], targets: string[]): string[] {
  const messages: string[] = [];
  for (const target of targets) {
    const started = results.filter((r) => r.target === target && r.exercised !== undefined);
    if (started.length === 0) continue;
    const created = started.reduce((sum, r) => sum + r.exercised!.created, 0);
    if (created > 0) continue;
    const refusal = started.find((r) => r.exercised!.firstRefusal !== undefined)?.exercised?.firstRefusal;
    messages.push(
      `${target}: the run created no instance, so its results prove nothing. ` +
        (refusal
          ? `The first refused request: ${refusal}. Check that the dispatcher routes requests to the tenant's worker.`
          : "No request was refused either: check the --suite/--case filters."),
    );
  }
  return messages;
}
