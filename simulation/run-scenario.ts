/**
 * The scenario runner: one scenario (suites/properties/scenario.ts) on any Target, through the Target interface
 * only, observed for the invariants (suites/properties/invariants.ts). The fuzzer and the differential comparison
 * both run scenarios here. Two ways to run one, because they answer two questions:
 *
 * - **white-box** (the fuzzer; needs `hostBinding` and `introspection`, i.e. the emulator): instances are every
 *   instance the engine holds, in creation order, each with its creator from its persisted params; events and
 *   pause/resume/terminate/restart go through the dispatcher's Workflow binding from the host, so no harness
 *   request passes through the dispatcher between a tenant's requests (a request could repair a dispatcher's wrong
 *   state before the check);
 * - **black-box** (the comparison, and any real target): instances are the ids the tenants' creates answered with;
 *   everything goes through the creating tenant's own API, as a client would.
 *
 * Either way, commands the target cannot do are dropped and listed (`dropped`); on a real-time target durations
 * are mapped by `timeScale` (simulation/time-scale.ts); on a virtual-time target each command's immediate effects
 * happen before the next one (`advance(0)`), as they would in real time.
 */
import { hasCapabilities } from "../contract/capabilities.ts";
import type { ControlAction } from "../contract/capabilities.ts";
import { isTerminal } from "../contract/emulator-surface.ts";
import type { RunningTarget, Target, TargetResponse } from "../contract/target.ts";
import { isTargetUnusable } from "../contract/target-unusable.ts";
import { TenantRegistry } from "../contract/tenant-registry.ts";
import type { ObservedInstance, ScenarioObservation, StatusSample } from "../suites/properties/observation.ts";
import {
  DEFAULT_EVENT_TIMEOUT_MS,
  TENANTS,
  type Command,
  type PlanAction,
  type Scenario,
  type TenantName,
} from "../suites/properties/scenario.ts";
import { decoyParams } from "../suites/properties/scenario-tenants.ts";
import { scaleDuration, scaledProbePlan } from "./time-scale.ts";
import { reply } from "../suites/probe.ts";

export type RunMode = "white-box" | "black-box";

export interface ScenarioRunOptions {
  mode: RunMode;
  /**
   * Real milliseconds per scenario second (time-scale.ts): required on a real-time target; on a virtual-time target
   * only when its run is compared with a real-time one. Absent: durations as the scenario says.
   */
  timeScale?: number;
  /** How long one settle of the drain may take, in target ms. Default: 400 days virtual, 10 s real. */
  settleTimeoutMs?: number;
}

/** Production refuses waitForEvent timeouts under 1 s (WF-62, one of its limits); the local engine has none. */
const PRODUCTION_MIN_EVENT_TIMEOUT_MS = 1000;
const VIRTUAL_SETTLE_MS = 400 * 86_400_000;
const REAL_SETTLE_MS = 10_000;
const DRAIN_ROUNDS = 12;

/** A fault the scenario injected may hit a request too: an injected loader failure, an emulated crash. Expected. */
function injected(text: string): boolean {
  return text.includes("Injected Worker Loader failure") || text.includes("emulated crash");
}

type View = Pick<ObservedInstance, "status" | "output" | "error">;

interface Known {
  id: string;
  tenant: TenantName;
  plan: PlanAction[];
}

export async function runScenario(
  scenario: Scenario,
  target: Target,
  options: ScenarioRunOptions,
): Promise<ScenarioObservation> {
  const t = await target.start(TenantRegistry.probes(TENANTS));
  try {
    return await new ScenarioRun(t, options).run(scenario);
  } finally {
    await t.dispose();
  }
}

class ScenarioRun {
  private readonly problems: string[] = [];
  private readonly dropped: string[] = [];
  /** Black-box: the instances the creates answered with, in creation order. */
  private readonly created: Known[] = [];
  private readonly sent = new Map<string, Array<[string, number]>>();
  private readonly terminated = new Set<string>();
  private eventSeq = 0;
  /** Statuses read between commands (white-box with a trace): judged against the trace by status-samples.ts. */
  private readonly samples: StatusSample[] = [];
  private crashes = 0;
  private readonly injected = { evict: 0, crash: 0, loaderFailure: 0 };
  private readonly timeScale: number | undefined;
  private readonly minEventTimeoutMs: number;
  private readonly settleTimeoutMs: number;

  constructor(
    private readonly t: RunningTarget,
    private readonly options: ScenarioRunOptions,
  ) {
    const virtual = t.capabilities.virtualTime;
    if (options.mode === "white-box" && !hasCapabilities(t, "hostBinding", "introspection")) {
      throw new Error(
        `white-box scenario runs need the capabilities hostBinding and introspection, which ${t.name} lacks: run it black-box`,
      );
    }
    // Given on a virtual-time target too when its run is compared with a real-time one: both must run the same plans.
    this.timeScale = options.timeScale;
    if (!virtual && this.timeScale === undefined) throw new Error(`${t.name} runs in real time: give a timeScale`);
    this.minEventTimeoutMs = t.profile.enforceLimits ? PRODUCTION_MIN_EVENT_TIMEOUT_MS : 0;
    this.settleTimeoutMs = options.settleTimeoutMs ?? (virtual ? VIRTUAL_SETTLE_MS : REAL_SETTLE_MS);
  }

  async run(scenario: Scenario): Promise<ScenarioObservation> {
    for (const [index, command] of scenario.commands.entries()) {
      await this.perform(command, (reason) => this.dropped.push(`${index + 1}. ${command.kind}: ${reason}`));
      if (this.t.capabilities.virtualTime) await this.t.advance(0);
      await this.sample();
    }
    await this.drain();
    const known = await this.known(true);
    const views = await this.views(known);
    const instances: ObservedInstance[] = [];
    for (const [i, instance] of known.entries()) {
      const view = views[i];
      if (view)
        instances.push({
          ...instance,
          ...view,
          given: this.given(instance.plan),
          sent: this.sent.get(instance.id) ?? [],
          terminated: this.terminated.has(instance.id),
        });
    }
    const trace = hasCapabilities(this.t, "trace") ? this.t.trace() : [];
    return {
      target: this.t.name,
      profile: this.t.profile,
      trace,
      instances,
      problems: this.problems,
      crashes: this.crashes,
      injected: this.injected,
      created: this.created.length,
      samples: this.samples,
      dropped: this.dropped,
    };
  }

  private async perform(command: Command, drop: (reason: string) => void): Promise<void> {
    const t = this.t;
    switch (command.kind) {
      case "create":
        return this.create(command);
      case "advance":
        return t.advance(scaleDuration(command.ms, this.timeScale));
      case "event":
        for (let i = 0; i < (command.times ?? 1); i++) await this.event(command.instance, command.type);
        return;
      case "evict":
        if (!hasCapabilities(t, "evictIsolates")) return drop("the target cannot evict isolates");
        this.injected.evict++;
        return t.evict();
      case "crash":
        if (command.point === "now") {
          if (!hasCapabilities(t, "crash")) return drop("the target cannot crash");
          await t.crash();
        } else {
          if (!hasCapabilities(t, "crashPoints")) return drop(`the target cannot place a crash at ${command.point}`);
          t.crashAt(command.point);
        }
        this.crashes++;
        this.injected.crash++;
        return;
      case "failLoader":
        if (!hasCapabilities(t, "loaderFaults")) return drop("the target cannot make the Worker Loader fail");
        this.injected.loaderFailure++;
        return t.failLoader(1, "Injected Worker Loader failure");
      default:
        return this.control(command.instance, command.kind);
    }
  }

  private async create(command: Extract<Command, { kind: "create" }>): Promise<void> {
    const params = {
      ...decoyParams(command.tenant),
      plan: this.given(command.plan),
      creator: command.tenant,
      scenarioPlan: command.plan,
    };
    const what = `${command.batch ? "createBatch" : "create"} for ${command.tenant}`;
    const response = await this.t
      .request(command.tenant, command.batch ? "/workflows/batch" : "/workflows", {
        body: command.batch ? { instances: [{ params }] } : { params },
      })
      .catch((error: unknown) => this.failed(what, error));
    if (!response) return;
    this.check(what, response);
    // The scenario never plans a refused create: a 4xx (or an unexplained 5xx) means the dispatcher tested nothing.
    if (response.status !== 200) {
      const text = JSON.stringify(response.body);
      if (response.status < 500) this.problems.push(`${what} refused: HTTP ${response.status} ${text.slice(0, 200)}`);
      return;
    }
    const body = reply(response);
    const ids: unknown[] = command.batch ? (Array.isArray(body.ids) ? body.ids : []) : [body.id];
    for (const id of ids)
      if (typeof id === "string") this.created.push({ id, tenant: command.tenant, plan: command.plan });
  }

  private async event(index: number, type: string): Promise<void> {
    const instance = await this.pick(index);
    if (!instance) return;
    const seq = ++this.eventSeq;
    let accepted: boolean;
    if (this.options.mode === "white-box" && hasCapabilities(this.t, "hostBinding")) {
      // Production refuses events to terminal instances (WF-68): a legal outcome, and the event was not sent.
      accepted = await this.t.host.sendEvent(instance.id, type, seq).then(
        () => true,
        () => false,
      );
    } else {
      const what = `event to ${instance.tenant}'s instance`;
      const response = await this.t
        .sendEvent(instance.tenant, instance.id, type, seq)
        .catch((error: unknown) => this.failed(what, error));
      if (response) this.check(what, response);
      accepted = response?.status === 200;
    }
    if (accepted) this.sent.set(instance.id, [...(this.sent.get(instance.id) ?? []), [type, seq]]);
  }

  private async control(index: number, action: ControlAction): Promise<void> {
    const instance = await this.pick(index);
    if (!instance) return;
    const [before] = await this.statuses([instance]);
    const refusal = await this.act(instance, action);
    if (refusal === undefined) {
      if (action === "terminate") this.terminated.add(instance.id);
      if (action === "restart") this.terminated.delete(instance.id);
    } else if (action === "terminate" && before !== "unknown" && !isTerminal(before)) {
      // terminate of a terminal instance may be refused (WF-82): a legal outcome. Of a live one it may not — but in
      // real time the instance may have finished between the status read and the terminate: ask again.
      const [after] = await this.statuses([instance]);
      if (!isTerminal(after))
        this.problems.push(`terminate of ${instance.tenant}'s live instance (${before}) failed: ${refusal}`);
    }
  }

  /** One action on one instance; undefined when it was done, else why not. */
  private async act(instance: Known, action: ControlAction): Promise<string | undefined> {
    if (this.options.mode === "white-box" && hasCapabilities(this.t, "hostBinding")) {
      return this.t.host.control(instance.id, action).then(
        () => undefined,
        (error: unknown) => String(error).slice(0, 200),
      );
    }
    const what = `${action} of ${instance.tenant}'s instance`;
    const response = await this.t
      .control(instance.tenant, instance.id, action)
      .catch((error: unknown) => this.failed(what, error));
    if (!response) return "no response";
    this.check(what, response);
    return response.status === 200
      ? undefined
      : `HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
  }

  /**
   * Instances in creation order (commands name them by index, modulo the count): every instance the engine holds
   * (white-box), or those the creates answered with (black-box). `final`: leave out, and report, an instance
   * whose params name no creator (the invariants cannot judge it).
   */
  private async known(final = false): Promise<Known[]> {
    if (this.options.mode === "black-box" || !hasCapabilities(this.t, "introspection")) return this.created;
    const known: Known[] = [];
    for (const snapshot of await this.t.instances()) {
      const params = (snapshot.params as { params?: { creator?: TenantName; scenarioPlan?: PlanAction[] } } | null)
        ?.params;
      if (final && !params?.creator) {
        // Params stored without the library's envelope: the path that created it skipped the tenant tag.
        const untagged = (snapshot.params as { creator?: string } | null)?.creator;
        this.problems.push(
          untagged
            ? `${untagged}'s instance ${snapshot.id} was stored without the dispatcher's tenant tag (no __dispatcherMetadata envelope around its params), so it fails with MissingDispatcherMetadataError: a create path of the tenant's binding bypasses wrapWorkflowBinding`
            : `instance ${snapshot.id} has no creator in its params: ${JSON.stringify(snapshot.params).slice(0, 200)}`,
        );
        continue;
      }
      known.push({
        id: snapshot.id,
        tenant: params?.creator ?? ("(none)" as TenantName),
        plan: params?.scenarioPlan ?? [],
      });
    }
    return known;
  }

  private async pick(index: number): Promise<Known | undefined> {
    const all = await this.known();
    return all.length === 0 ? undefined : all[index % all.length];
  }

  /** Instances' status, output and error, in the order given: from the engine (white-box) or through each tenant. */
  private async views(list: Known[]): Promise<Array<View | undefined>> {
    if (this.options.mode === "white-box" && hasCapabilities(this.t, "introspection")) {
      const snapshots = new Map((await this.t.instances()).map((s) => [s.id, s]));
      return list.map(({ id }) => {
        const snapshot = snapshots.get(id);
        return snapshot && { status: snapshot.status, output: snapshot.output, error: snapshot.error };
      });
    }
    const views: Array<View | undefined> = [];
    for (const { id, tenant } of list) {
      const view = await this.t
        .status(tenant, id)
        .catch((error: unknown) => this.failed(`status of ${tenant}'s instance`, error));
      views.push(
        view ? { status: view.status, output: view.output ?? undefined, error: view.error ?? null } : undefined,
      );
    }
    return views;
  }

  private async statuses(list: Known[]): Promise<string[]> {
    return (await this.views(list)).map((view) => view?.status ?? "unknown");
  }

  /**
   * Lets everything finish: resume paused instances, let the target settle (which, on a target showing the local
   * engine, also wakes instances after a crash: targets/reconcile.ts), and let event waits time out. Repeated,
   * because a pause requested while a step ran lands only after the step (`waitingForPause` → `paused`) and an
   * armed crash may fire during the drain.
   */
  private async drain(): Promise<void> {
    // The longest wait a plan can have: one given no timeout (the engine's default).
    const eventTimeoutMs = Math.max(this.minEventTimeoutMs, scaleDuration(DEFAULT_EVENT_TIMEOUT_MS, this.timeScale));
    const margin = scaleDuration(1000, this.timeScale);
    for (let round = 0; round < DRAIN_ROUNDS; round++) {
      const instances = await this.known();
      const statuses = await this.statuses(instances);
      if (statuses.every(isTerminal)) return;
      for (const [i, status] of statuses.entries()) {
        if (status !== "paused") continue;
        const refusal = await this.act(instances[i], "resume");
        if (refusal !== undefined)
          this.problems.push(`drain: resume of ${instances[i].tenant}'s paused instance failed: ${refusal}`);
      }
      await this.t.settle({ timeoutMs: this.settleTimeoutMs });
      const after = await this.statuses(instances);
      // Something still runs or waits for an event nobody will send: let the event waits time out.
      if (after.some((s) => !isTerminal(s) && s !== "paused")) {
        await this.t.advance(eventTimeoutMs + margin);
        await this.t.settle({ timeoutMs: this.settleTimeoutMs });
      }
    }
  }

  /** The probe plan the target is given for a scenario plan (durations mapped, the target's limits applied). */
  private given(plan: PlanAction[]): unknown[] {
    return scaledProbePlan(plan, this.timeScale, this.minEventTimeoutMs);
  }

  /**
   * Every instance's status now, with the trace position it was read at: the invariants check it against what the
   * trace says the instance was doing (`waiting` while it sleeps in production). White-box only: a status read
   * through the dispatcher would be a request between the tenants' own.
   */
  private async sample(): Promise<void> {
    if (this.options.mode !== "white-box" || !hasCapabilities(this.t, "introspection", "trace")) return;
    const trace = this.t.trace();
    const seq = trace.length > 0 ? trace[trace.length - 1].seq : -1;
    for (const snapshot of await this.t.instances())
      this.samples.push({ instance: snapshot.id, status: snapshot.status, seq });
  }

  /** A 5xx from the dispatcher is a problem unless a fault the scenario injected caused it. */
  private check(what: string, response: TargetResponse): void {
    const text = JSON.stringify(response.body);
    if (response.status >= 500 && !injected(text))
      this.problems.push(`${what} failed: HTTP ${response.status} ${text.slice(0, 200)}`);
  }

  private failed(what: string, error: unknown): undefined {
    // A refused token or a spent budget ends the run: every later request would fail the same way.
    if (isTargetUnusable(error)) throw error;
    if (!injected(String(error))) this.problems.push(`${what} failed: ${String(error).slice(0, 300)}`);
    return undefined;
  }
}
