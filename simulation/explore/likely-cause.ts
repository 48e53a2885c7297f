/**
 * Why two lifetimes called different steps, in the workflow author's terms. Judged from what the harness entry saw
 * (tenant-harness.ts): the clock or `Math.random()` read outside step callbacks before the difference, or, when
 * neither, module state — the replaying lifetime ran in an isolate an earlier lifetime had already run in (a warm
 * isolate keeps module-level variables; a fresh one does not).
 */
import type { Lifetime } from "./lifetimes.ts";

export function likelyCause(recorded: Lifetime, replayed: Lifetime, at: number): string {
  const read = new Set(replayed.sources.filter((s) => s.beforeCall <= at).map((s) => s.source));
  const differsInName = builtName(nameOf(recorded.calls[at]), nameOf(replayed.calls[at]));
  const how = differsInName ? "a step name built from" : "branching outside steps on";
  const time = ["Date.now()", "new Date()"].filter((s) => read.has(s));
  if (time.length > 0)
    return `${how} the time (${time.join(", ")} outside a step): it differs on every replay; read it inside a step.do and use the step's result`;
  if (read.has("Math.random()"))
    return `${how} randomness (Math.random() outside a step): a replay draws again; draw inside a step.do and use the step's result`;
  if (recorded.isolate === replayed.isolate)
    return `${how} module state: lifetime ${replayed.index} ran in the same warm isolate (${replayed.isolate}) as lifetime ${recorded.index}, and a module-level variable kept its value; keep run() state in step results, not in module variables`;
  return `${how} something that changed between lifetimes outside steps (module state reset by a fresh isolate ${replayed.isolate}, or the params/env): compute it inside a step.do`;
}

function nameOf(call: string | undefined): string {
  return (call ?? "").replace(/#\d+$/, "");
}

/** The two names share a start and differ in a part with digits (a time, a counter): a built name, not a branch. */
function builtName(a: string, b: string): boolean {
  let prefix = 0;
  while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
  return prefix >= 3 && /\d/.test(a.slice(prefix)) && /\d/.test(b.slice(prefix));
}
