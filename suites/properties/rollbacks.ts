/**
 * WF-43 rollbacks as the trace shows them. Within one restart epoch each step's rollback commits at most once (a
 * chain resumed after a crash, an eviction or a hibernation never runs a finished rollback again); every handler
 * ran its creator's code (the probe's handler returns a marker of the code that ran it); and a chain that completed
 * rolled back every step with a handler that had started, last started first.
 */
import type { Traced } from "../../contract/emulator-surface.ts";
import type { ObservedInstance } from "./observation.ts";

interface RollbackMarker {
  tenant?: string;
  isolate?: string;
}

export function rollbacks(instance: ObservedInstance, events: readonly Traced[], name: string): string[] {
  const out: string[] = [];
  let committed: string[] = [];
  let started: string[] = [];
  for (const event of events) {
    if (event.type === "instance.restart") {
      committed = [];
      started = [];
    }
    if (event.type === "step.attempt") {
      const key = `${event.step}#${event.count}`;
      if (hasRollback(instance, event.step) && !started.includes(key)) started.push(key);
    }
    if (event.type === "rollback.commit") {
      const key = `${event.step}#${event.count}`;
      if (committed.includes(key))
        out.push(`rollback: ${name} rolled back step "${event.step}" (occurrence ${event.count}) twice`);
      committed.push(key);
      const marker = event.result as RollbackMarker | undefined;
      if (marker?.tenant !== instance.tenant || !marker.isolate?.startsWith(`${instance.tenant}/`))
        out.push(`routing: ${name} rollback of step "${event.step}" ran ${marker?.tenant ?? "unknown"}'s code`);
    }
    if (event.type === "rollback.end" && event.outcome === "complete") {
      const expected = [...started].reverse();
      if (committed.join(",") !== expected.join(","))
        out.push(
          `rollback: ${name} chain completed with rollbacks [${committed.join(", ")}], expected each started step with a handler once, last started first: [${expected.join(", ")}]`,
        );
    }
  }
  return out;
}

function hasRollback(instance: ObservedInstance, step: string): boolean {
  return instance.plan.some((a) => "do" in a && a.do === step && a.rollback === true);
}
