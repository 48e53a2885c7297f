/**
 * Status during the run, not only after the drain: the scenario runner reads every instance's status between
 * commands (observation.ts `samples`), and each read is checked against what the trace says the instance was doing
 * at that moment. While it sleeps or waits to retry, production reports `waiting` and the local engine `running`
 * (WF-53, the profile's `reportsWaiting`). A read is judged only when nothing since the wait began could explain
 * another status: a fault, a pause, a restart.
 */
import type { Profile, Traced } from "../../contract/emulator-surface.ts";
import type { StatusSample } from "./observation.ts";

/** `events`: one instance's trace; `all`: the whole trace (faults are global). */
export function statusSamples(
  samples: readonly StatusSample[],
  events: readonly Traced[],
  all: readonly Traced[],
  profile: Profile,
  name: string,
): string[] {
  const expected = profile.reportsWaiting ? "waiting" : "running";
  for (const sample of samples) {
    const wait = openWait(events, sample.seq);
    if (!wait) continue;
    if (all.some((e) => e.seq > wait.since && e.seq <= sample.seq && e.type === "fault")) continue;
    if (sample.status !== expected) {
      return [
        `status: ${name} read "${sample.status}" while ${wait.what}, expected "${expected}" (${profile.name}, WF-53)`,
      ];
    }
  }
  return [];
}

/** The sleep or retry wait the instance is in at trace position `seq`, if any (and not paused, ended, restarted). */
function openWait(events: readonly Traced[], seq: number): { since: number; what: string } | undefined {
  let open: { since: number; what: string } | undefined;
  // paused, queued, terminal: what the instance's code does meanwhile (the local engine's run() goes on while
  // paused) says nothing about its status
  let held = false;
  for (const e of events) {
    if (e.seq > seq) break;
    if (e.type === "status") held = e.to !== "running" && e.to !== "waiting";
    if (e.type === "sleep.start") open = { since: e.seq, what: `sleeping in "${e.step}"` };
    else if (e.type === "step.failure" && e.willRetry)
      open = { since: e.seq, what: `waiting to retry "${e.step}" (attempt ${e.attempt} failed)` };
    else if (
      e.type === "sleep.end" ||
      e.type === "step.attempt" ||
      e.type === "run.end" ||
      e.type === "instance.restart" ||
      (e.type === "status" && e.to !== "running" && e.to !== "waiting")
    )
      open = undefined;
  }
  return held ? undefined : open;
}
