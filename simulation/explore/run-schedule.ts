/**
 * One schedule of one workflow × input, on a fresh emulator running the subject's dispatcher: the instance is
 * created as a platform creates it (a request through the dispatcher to the tenant's code, whose wrapped binding
 * tags it with the creator's metadata), a neighbour tenant's request follows (a dispatcher that keeps "the current
 * tenant" in a global then wakes the wrong code), the input's events are sent through the tenant's binding at their
 * virtual times, and the faults land where the schedule says (fault-injector.ts). Every wake goes through the
 * dispatcher: the emulator replays run() by calling the dispatcher's Workflow class. A redeploy in the schedule
 * deploys the creator's code again under the next version (`nextVersionOf`), as a tenant shipping an update while its
 * instance waits.
 */
import type { Traced } from "../../contract/emulator-surface.ts";
import { isTerminal } from "../../contract/emulator-surface.ts";
import type { RunningTarget } from "../../contract/target.ts";
import { TenantRegistry } from "../../contract/tenant-registry.ts";
import { EmulatorTarget, hasTraceFeed } from "../../targets/emulator-target.ts";
import type { ExploreInput, ExploreRequest, ExploreWorkflow, Schedule } from "./explore-result.ts";
import { FaultInjector, type FaultTarget } from "./fault-injector.ts";
import { codeDigest, type CodeIdentity, harnessBundle, MARKER } from "./tenant-harness.ts";

/** The default bound of a run, in virtual ms: long enough for a week of sleeps and event timeouts. */
export const DEFAULT_RUN_FOR_MS = 30 * 86_400_000;

/** One line the harness entry logged, with the isolate it ran in and the trace position it was heard at. */
export interface HarnessNote {
  isolate: string;
  at: "run" | "call" | "callback" | "source" | "outbound";
  kind?: "do" | "sleep" | "waitForEvent";
  name?: string;
  source?: string;
  method?: string;
  url?: string;
  inStep?: boolean;
  traceSeq: number;
}

export interface ScheduleRun {
  schedule: Schedule;
  /** Why the run could not be judged (the input or the code is bad); the oracles are skipped. */
  error?: string;
  instance?: string;
  status: string;
  output?: unknown;
  errorOutput?: unknown;
  trace: readonly Traced[];
  notes: HarnessNote[];
  /** Main-module digest → the tenant and version deployed with it. */
  identities: Map<string, CodeIdentity>;
  faultsLanded: number;
  /** Where the schedule's redeploy happened: the index the next trace event got (absent: no redeploy landed). */
  redeployedAt?: number;
}

/** The tenants of a case: the creator, and a neighbour running the same code under another identity. */
export interface CaseSetup {
  workflow: ExploreWorkflow;
  input: ExploreInput;
  request: Pick<ExploreRequest, "subject" | "profile" | "seed">;
  neighbour: string;
}

export function neighbourOf(tenant: string): string {
  return `${tenant}-neighbour`;
}

/** The version a schedule's redeploy gives the creator's code: the same code, a new codeVersion. */
export function nextVersionOf(codeVersion: string): string {
  return `${codeVersion}-next`;
}

/** Virtual ms between a crash and the restart it causes (the emulator option restartDelayMs). */
const RESTART_DELAY_MS = 1000;

export async function runSchedule(setup: CaseSetup, schedule: Schedule): Promise<ScheduleRun> {
  const { workflow, input, request } = setup;
  // The tenants' wrapped binding has the name the dispatcher gives it (the subject adapter's tenantBinding).
  const binding = request.subject?.adapter.tenantBinding;
  const creator = harnessBundle(workflow.code, workflow.tenant, workflow.className, request.seed, binding);
  const neighbour = harnessBundle(workflow.code, setup.neighbour, workflow.className, request.seed, binding);
  const identities = new Map<string, CodeIdentity>([
    [codeDigest(creator), { tenant: workflow.tenant, codeVersion: creator.codeVersion }],
    [codeDigest(neighbour), { tenant: setup.neighbour, codeVersion: neighbour.codeVersion }],
  ]);
  const redeploys = schedule.faults.some((fault) => fault.kind === "redeploy-at-wait");
  const next = redeploys
    ? harnessBundle(
        { ...workflow.code, codeVersion: nextVersionOf(workflow.code.codeVersion) },
        workflow.tenant,
        workflow.className,
        request.seed,
        binding,
      )
    : undefined;
  if (next) identities.set(codeDigest(next), { tenant: workflow.tenant, codeVersion: next.codeVersion });
  const notes: HarnessNote[] = [];
  let t: RunningTarget | undefined;
  const log = (realm: string, _level: string, args: unknown[]) => {
    if (args[0] !== MARKER || typeof args[1] !== "string") return;
    const trace = t && "trace" in t ? (t as unknown as { trace(): readonly Traced[] }).trace() : [];
    notes.push({ ...JSON.parse(args[1]), isolate: realm, traceSeq: trace.length });
  };
  const target = new EmulatorTarget(request.profile, {
    ...(request.subject ? { subject: request.subject } : {}),
    // A crashed instance restarts a second later, as a real one does later than its crash: a lifetime after a crash
    // then reads another clock, so a step name built from Date.now() shows up as replay-unsafe.
    emulator: { log, seed: request.seed, restartDelayMs: RESTART_DELAY_MS },
  });
  const run: ScheduleRun = { schedule, status: "unknown", trace: [], notes, identities, faultsLanded: 0 };
  const running = await target.start(new TenantRegistry({ [workflow.tenant]: creator, [setup.neighbour]: neighbour }));
  t = running;
  try {
    if (!hasTraceFeed(running) || !("crashAt" in running) || !("evict" in running))
      throw new Error("explore needs the emulator target (a trace feed, crash points, eviction)");
    const traced = running as unknown as Introspect & FaultTarget;
    const injector = new FaultInjector(schedule.faults, {
      crashAt: (point, filter) => traced.crashAt(point, filter),
      evict: () => traced.evict(),
      redeploy: () => {
        // A second redeploy in one schedule ships the same next version again: the first one is when it changed.
        if (!next || run.redeployedAt !== undefined) return;
        run.redeployedAt = traced.trace().length;
        running.tenants.set(workflow.tenant, next);
      },
    });
    running.onTrace(injector.hear);
    run.error = await drive(running as RunningTarget & Introspect, setup);
    run.faultsLanded = injector.landed;
    const snapshot = "instances" in running ? (await (running as never as Introspect).instances())[0] : undefined;
    // Never a silent "unknown": an instance gone before it was read is a run that cannot be judged.
    if (!run.error && !snapshot)
      run.error = `the instance is gone at the end of the run (deleted, or forgotten after its retention, WF-95): nothing to judge; shorten runForMs`;
    if (snapshot) {
      run.instance = snapshot.id;
      run.status = snapshot.status;
      run.output = snapshot.output;
      run.errorOutput = snapshot.error ?? undefined;
    }
    run.trace = (running as unknown as { trace(): readonly Traced[] }).trace();
    if (!run.error && snapshot && !isTerminal(snapshot.status))
      run.error = `the run never settles: still ${snapshot.status} after ${input.runForMs ?? DEFAULT_RUN_FOR_MS} ms of virtual time (runForMs); send the events it waits for, or raise runForMs`;
  } finally {
    await running.dispose();
  }
  return run;
}

interface Introspect {
  instances(): Promise<readonly { id: string; status: string; output: unknown; error: unknown }[]>;
  trace(): readonly Traced[];
}

/** Creates the instance, sends the neighbour's request and the events, lets it run; returns a bad input's error. */
async function drive(t: RunningTarget & Introspect, setup: CaseSetup): Promise<string | undefined> {
  const { workflow, input } = setup;
  const runForMs = input.runForMs ?? DEFAULT_RUN_FOR_MS;
  const created = await survivingCrash(
    t.request(workflow.tenant, "/__dwc_explore/create", { body: { params: input.params } }),
  );
  // A crash placed in the first steps lands while the create request is still being answered: the instance is stored.
  const id = created ? (created.body as { id?: unknown } | null)?.id : (await t.instances())[0]?.id;
  if (created && created.status !== 200) return createError(created.status, created.body, workflow);
  if (typeof id !== "string") return `create answered without an instance id: ${JSON.stringify(created?.body)}`;
  await survivingCrash(t.request(setup.neighbour, "/__dwc_explore/ping"));
  try {
    let elapsed = 0;
    for (const event of [...input.events].sort((a, b) => a.atMs - b.atMs)) {
      if (event.atMs > elapsed) await t.advance(event.atMs - elapsed);
      elapsed = Math.max(elapsed, event.atMs);
      const sent = () => t.trace().filter((e) => e.type === "event.send").length;
      const before = sent();
      const body = { id, type: event.type, payload: event.payload };
      // A crash while the event request is answered: send it again only if it never reached the engine.
      const answer = await survivingCrash(t.request(workflow.tenant, "/__dwc_explore/event", { body }));
      if (!answer && sent() === before) await t.request(workflow.tenant, "/__dwc_explore/event", { body });
    }
    await t.settle({ timeoutMs: runForMs });
    // Done once the instance ended: moving time on would only let production's retention (WF-95, 30 days) forget
    // it before it is read.
    const ended = (await t.instances()).find((instance) => instance.id === id);
    if (ended && isTerminal(ended.status)) return undefined;
    if (runForMs > elapsed) await t.advance(runForMs - elapsed);
    await t.settle({ timeoutMs: runForMs });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("could not settle"))
      return `a step or run() never stops scheduling work (a loop that never waits): ${message.slice(0, 300)}`;
    if (message.includes("still busy"))
      return `the run never settles within runForMs (${runForMs} ms of virtual time): ${message.slice(0, 300)}`;
    throw error;
  }
  return undefined;
}

/** A request the schedule's crash interrupted has no answer (undefined); any other failure is thrown. */
async function survivingCrash<T>(pending: Promise<T>): Promise<T | undefined> {
  try {
    return await pending;
  } catch (error) {
    if (String(error).includes("emulated crash")) return undefined;
    throw error;
  }
}

function createError(status: number, body: unknown, workflow: ExploreWorkflow): string {
  // One line: a finding's message is printed on one (workerd's start failure spans several).
  const shown = (typeof body === "string" ? body : JSON.stringify(body)).replace(/\s*\n\s*/g, " ");
  const problem = (body as { problem?: string } | null)?.problem;
  if (problem === "not-exported")
    return `class ${workflow.className} is not exported by ${workflow.code.mainModule} (its exports: ${((body as { exports: string[] }).exports ?? []).join(", ") || "none"}): export it, or set the workflow's class to one of them`;
  if (problem === "no-binding") {
    const { binding, env } = body as { binding: string; env?: string[] };
    return `the dispatcher gave the tenant no env.${binding} (its env: ${(env ?? []).join(", ")}): explore creates instances through the tenant's wrapped binding; name it with adapter.tenantBinding in dwc.config.json`;
  }
  if (/SyntaxError|parse|Unexpected/i.test(shown))
    return `the tenant's code fails to load (${workflow.code.mainModule}): ${shown.slice(0, 300)}`;
  return `create through the dispatcher failed: HTTP ${status} ${shown.slice(0, 300)}`;
}
