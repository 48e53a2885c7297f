/**
 * The oracles of one schedule's run, none of which needs a probe tenant:
 * - right code: every run() lifetime was dispatched with the creator's metadata (trace `run.start`), and ran — step
 *   callbacks included — in an isolate whose code is the creator's deploy at the version the code-version policy
 *   says (the isolate's code identity: trace `loader.getCode` `code`, mapped to the deploy it came from);
 * - durability: a step commits at most once per restart epoch (between crashes) and never runs after its commit;
 * - replay safety: each lifetime replays the previous lifetime's step calls (kind, name, occurrence) before going on;
 * - same result: the final status and output equal the fault-free run's.
 * Each returns findings without the schedule text and replay command (explore.ts adds them).
 */
import type { Traced } from "../../contract/emulator-surface.ts";
import type { CodeVersionPolicy } from "../../contract/subject.ts";
import type { ExploreFinding } from "./explore-result.ts";
import { likelyCause } from "./likely-cause.ts";
import type { Lifetime } from "./lifetimes.ts";
import type { ScheduleRun } from "./run-schedule.ts";

export type RawFinding = Omit<ExploreFinding, "schedule" | "scheduleText" | "replayCommand"> & {
  /** What makes two findings the same problem (the first schedule that showed it is kept); default: the message. */
  key?: string;
};

export interface OracleContext {
  tenant: string;
  /** The version the instance was created with. */
  codeVersion: string;
  /** The version a schedule's redeploy ships (run-schedule.ts nextVersionOf). */
  nextVersion: string;
  ownerKey: string;
  policy: CodeVersionPolicy;
}

/**
 * The version an isolate must run, by the code-version policy: pinned, always the creation version; latest, the
 * version deployed when the isolate's code was fetched (its `loader.getCode`), so the new one once a redeploy landed.
 * A warm isolate loaded before the redeploy keeps its code under either policy, as workerd keeps it.
 */
function expectedVersion(run: ScheduleRun, loadedAt: number | undefined, ctx: OracleContext): string {
  if (ctx.policy === "pinned" || run.redeployedAt === undefined || loadedAt === undefined) return ctx.codeVersion;
  return loadedAt >= run.redeployedAt ? ctx.nextVersion : ctx.codeVersion;
}

export function rightCode(run: ScheduleRun, lifetimes: readonly Lifetime[], ctx: OracleContext): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const event of run.trace) {
    if (event.type !== "run.start") continue;
    const owner = (event.metadata as Record<string, unknown> | null)?.[ctx.ownerKey];
    if (owner !== ctx.tenant)
      findings.push({
        kind: "wrong-code",
        key: `dispatched with ${JSON.stringify(event.metadata)}`,
        message: `run() lifetime ${event.generation} was dispatched with metadata ${JSON.stringify(event.metadata)}, not the creator's ${ctx.ownerKey} "${ctx.tenant}"`,
      });
  }
  const codeOf = new Map<string, string | undefined>();
  const loadedAt = new Map<string, number>();
  for (const [index, event] of run.trace.entries()) {
    if (event.type !== "loader.getCode" || !event.ok) continue;
    codeOf.set(event.isolate, event.code);
    loadedAt.set(event.isolate, index);
  }
  const checked = new Set<string>();
  const check = (isolate: string, what: string) => {
    if (checked.has(`${isolate} ${what}`)) return;
    checked.add(`${isolate} ${what}`);
    const identity = run.identities.get(codeOf.get(isolate) ?? "");
    const version = expectedVersion(run, loadedAt.get(isolate), ctx);
    if (identity?.tenant === ctx.tenant && identity.codeVersion === version) return;
    const ran = identity
      ? `${identity.tenant}'s code (version ${identity.codeVersion})`
      : "code the harness did not deploy for any tenant";
    findings.push({
      kind: "wrong-code",
      key: `${what.startsWith("run()") ? "a lifetime" : "a step callback"} ran in ${ran}`,
      message: `${what} ran in isolate ${isolate} loaded with ${ran}, not ${ctx.tenant}'s code version ${version} (code-version policy: ${ctx.policy}${run.redeployedAt === undefined ? "" : `; ${ctx.nextVersion} was deployed while the instance waited`})`,
    });
  };
  for (const lifetime of lifetimes) {
    check(lifetime.isolate, `run() lifetime ${lifetime.index}`);
    for (const callback of lifetime.callbacks)
      check(callback.isolate, `the callback of step "${callback.name}" (lifetime ${lifetime.index})`);
  }
  return findings;
}

export function durability(trace: readonly Traced[]): RawFinding[] {
  const findings: RawFinding[] = [];
  let epoch = 0;
  const committed = new Map<string, number>();
  for (const event of trace) {
    if (event.type === "fault" && event.kind === "crash") epoch++;
    if (event.type !== "step.commit" && event.type !== "step.attempt") continue;
    const key = `do ${event.step}#${event.count}`;
    const epochOfCommit = committed.get(key);
    if (event.type === "step.attempt" && epochOfCommit !== undefined)
      findings.push({ kind: "durability", message: `${key} ran again (attempt ${event.attempt}) after its commit` });
    if (event.type === "step.commit") {
      if (epochOfCommit === epoch)
        findings.push({ kind: "durability", message: `${key} committed twice between two restarts` });
      committed.set(key, epoch);
    }
  }
  return findings;
}

export function replaySafety(lifetimes: readonly Lifetime[]): RawFinding[] {
  const findings: RawFinding[] = [];
  for (let k = 1; k < lifetimes.length; k++) {
    const recorded = lifetimes[k - 1];
    const replayed = lifetimes[k];
    const common = Math.min(recorded.calls.length, replayed.calls.length);
    const at = recorded.calls.findIndex((call, i) => i < common && call !== replayed.calls[i]);
    if (at < 0) continue;
    const cause = likelyCause(recorded, replayed, at);
    findings.push({
      kind: "replay-unsafe",
      // One problem, one finding: a name built from the clock differs by however long each schedule's wake took, so
      // what makes two findings the same is the recorded call and the kind of cause (its text up to the first colon;
      // the rest names this run's isolates).
      key: `call ${at + 1}, recorded ${recorded.calls[at]}: ${cause.split(":")[0]}`,
      message: `lifetime ${replayed.index} called ${replayed.calls[at]} where lifetime ${recorded.index} had called ${recorded.calls[at]} (call ${at + 1})`,
      sequences: { recorded: recorded.calls, replayed: replayed.calls },
      likelyCause: cause,
    });
    break; // the first difference says it; later lifetimes differ because of it
  }
  const outside = lifetimes.flatMap((l) => l.outsideStepRequests);
  const counts = new Map<string, number>();
  for (const request of outside) counts.set(request, (counts.get(request) ?? 0) + 1);
  for (const [request, times] of counts) {
    if (times < 2) continue;
    findings.push({
      kind: "replay-unsafe",
      key: `outside a step: ${request}`,
      message: `a side effect outside any step ran ${times} times, once per run() lifetime: ${request}`,
      sequences: {
        recorded: [...lifetimes[0].calls, `(outside any step) ${request}`],
        replayed: [...(lifetimes[1]?.calls ?? []), `(outside any step) ${request}`],
      },
      likelyCause: `a side effect outside any step (${request}): run() replays from the start after every wake, so it runs again each time; move it into a step.do (and give it an idempotency key)`,
    });
  }
  return findings;
}

export function sameResult(run: ScheduleRun, baseline: ScheduleRun): RawFinding[] {
  const expected = { status: baseline.status, output: baseline.output, error: baseline.errorOutput };
  const actual = { status: run.status, output: run.output, error: run.errorOutput };
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  return [
    {
      kind: "different-result",
      message: `ended ${run.status}${run.status === baseline.status ? " with another output" : ""}; the fault-free run ended ${baseline.status}`,
      expected,
      actual,
    },
  ];
}
