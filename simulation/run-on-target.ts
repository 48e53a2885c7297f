/**
 * Runs a fuzz scenario on any conformance Target (contract/target.ts) through the RunningTarget API only — the same
 * path the conformance cases take: requests to the dispatcher with `x-tenant-id`, the tenant's wrapped binding.
 * Where run-scenario.ts drives the emulator directly (and reads its storage and trace), this runner can drive
 * local workerd too. It is capability-gated:
 *
 * - durations are mapped by `timeScale` (below): the same mapping for `advance`, the probe plan's sleeps, retry
 *   delays and event-wait timeouts, so the scenario keeps its shape in real time;
 * - `crash: "now"` needs `crash`; an armed crash point needs `crashPoints`; `evict` needs `evictIsolates`;
 *   `failLoader` needs `loaderFaults`. Commands the target cannot do are dropped and listed in `dropped`;
 * - instances are the ids `create` returned, in creation order (no target has to offer a list API);
 * - the trace is the target's trace if it has one (capability `trace`), else `[]`: then only the trace-free
 *   invariants apply (`checkOutputInvariants`).
 */
import { TenantRegistry } from "../contract/tenant-registry.ts";
import type { Capability, RunningTarget, Target } from "../contract/target.ts";
import type { InstanceObservation, Observation } from "./run-scenario.ts";
import { EVENT_TIMEOUT_MS, probePlan, TENANTS, type PlanAction, type Scenario, type TenantName } from "../suites/properties/scenario.ts";

export interface TargetRunOptions {
  /**
   * Real (target) milliseconds that one scenario second takes. Shorter durations scale linearly; longer ones are
   * compressed logarithmically so that 30 days take 30 scenario seconds' worth: with 50, "500 ms" → 25 ms,
   * "1 s" → 50 ms, "1 minute" → 128 ms, "1 hour" → 330 ms, "2 hours" → 385 ms, "30 days" → 1.5 s. Order and
   * coincidences of durations are kept (equal scenario durations map to equal real ones).
   */
  timeScale: number;
  /** How long the drain may wait for the target to settle, in target ms, per round. Default 10 s. */
  settleTimeoutMs?: number;
}

export interface TargetObservation extends Observation {
  target: string;
  /** Engine crashes the scenario caused on the target (`crash: "now"`, and armed crash points where supported). */
  crashes: number;
  /** Commands the target could not express (by their position in the scenario, 1-based), with the reason. */
  dropped: string[];
}

const SECOND = 1000;
const THIRTY_DAYS_MS = 30 * 86_400_000;
/** (30 days / 1 s) ** COMPRESSION = 30. */
const COMPRESSION = Math.log(30) / Math.log(THIRTY_DAYS_MS / SECOND);
/** Production refuses waitForEvent timeouts under 1 s (WF-62); the local engine has no minimum (docs/profiles.md). */
const PRODUCTION_MIN_EVENT_TIMEOUT_MS = 1000;
const TERMINAL = new Set(["complete", "errored", "terminated"]);
const DRAIN_ROUNDS = 8;

/** A scenario duration as target milliseconds (see `TargetRunOptions.timeScale`). */
export function scaleDuration(ms: number, timeScale: number): number {
  if (ms <= 0) return 0;
  if (ms <= SECOND) return Math.max(1, Math.round((timeScale * ms) / SECOND));
  return Math.round(timeScale * (ms / SECOND) ** COMPRESSION);
}

/** The probe plan of `plan` (suites/properties/scenario.ts `probePlan`) with every duration mapped. */
export function scaledProbePlan(plan: PlanAction[], timeScale: number, minEventTimeoutMs = 0): unknown[] {
  return (probePlan(plan) as Array<Record<string, any>>).map((action) => {
    if ("sleep" in action) return { ...action, duration: scaleDuration(action.duration, timeScale) };
    if ("wait" in action) return { ...action, timeout: Math.max(minEventTimeoutMs, scaleDuration(action.timeout, timeScale)) };
    const retries = action.config.retries;
    return { ...action, config: { ...action.config, retries: { ...retries, delay: scaleDuration(retries.delay, timeScale) } } };
  });
}

interface Created {
  id: string;
  tenant: TenantName;
  plan: PlanAction[];
}

export async function runScenarioOnTarget(scenario: Scenario, target: Target, options: TargetRunOptions): Promise<TargetObservation> {
  const t = await target.start(TenantRegistry.probes(TENANTS));
  const { timeScale } = options;
  const settleTimeoutMs = options.settleTimeoutMs ?? 10_000;
  const minEventTimeoutMs = t.behaviour === "production" ? PRODUCTION_MIN_EVENT_TIMEOUT_MS : 0;
  const eventTimeoutMs = Math.max(minEventTimeoutMs, scaleDuration(EVENT_TIMEOUT_MS, timeScale));
  const problems: string[] = [];
  const dropped: string[] = [];
  const created: Created[] = [];
  const sent = new Map<string, Array<[string, number]>>();
  const terminated = new Set<string>();
  let eventSeq = 0;
  let crashes = 0;

  const pick = (index: number) => (created.length === 0 ? undefined : created[index % created.length]);
  /** Faults the scenario caused may hit a request too: an injected loader failure, an emulated crash. Expected. */
  const injected = (text: string) => text.includes("Injected Worker Loader failure") || text.includes("emulated crash");
  const failed = (what: string, error: unknown) => {
    if (!injected(String(error))) problems.push(`${what} failed: ${String(error).slice(0, 300)}`);
  };
  /** A 5xx from the dispatcher is a problem unless a fault the scenario injected caused it. */
  const checkResponse = (what: string, response: { status: number; body: unknown }) => {
    if (response.status >= 500 && !injected(JSON.stringify(response.body))) {
      problems.push(`${what} failed: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
    }
  };
  const has = (capability: Capability) => t.capabilities[capability];

  try {
    for (const [index, command] of scenario.commands.entries()) {
      const drop = (reason: string) => dropped.push(`${index + 1}. ${command.kind}: ${reason}`);
      switch (command.kind) {
        case "create": {
          const params = { plan: scaledProbePlan(command.plan, timeScale, minEventTimeoutMs), creator: command.tenant, scenarioPlan: command.plan };
          try {
            if (command.batch) {
              const response = await t.request(command.tenant, "/workflows/batch", { body: { instances: [{ params }] } });
              checkResponse(`createBatch for ${command.tenant}`, response);
              const ids = response.status === 200 && Array.isArray(response.body?.ids) ? (response.body.ids as string[]) : [];
              for (const id of ids) created.push({ id, tenant: command.tenant, plan: command.plan });
            } else {
              created.push({ id: await t.create(command.tenant, params), tenant: command.tenant, plan: command.plan });
            }
          } catch (error) {
            failed(`create for ${command.tenant}`, error);
          }
          break;
        }
        case "advance":
          await t.advance(scaleDuration(command.ms, timeScale));
          break;
        case "event": {
          const instance = pick(command.instance);
          if (!instance) break;
          const seq = ++eventSeq;
          const response = await t.sendEvent(instance.tenant, instance.id, command.type, seq).catch((error) => {
            failed(`event to ${instance.tenant}'s instance`, error);
            return null;
          });
          if (!response) break;
          checkResponse(`event to ${instance.tenant}'s instance`, response);
          // Accepted (production refuses events to terminal instances; the local engine stores and ignores them).
          if (response.status === 200) {
            const list = sent.get(instance.id) ?? [];
            list.push([command.type, seq]);
            sent.set(instance.id, list);
          }
          break;
        }
        case "evict":
          if (has("evictIsolates") && t.evict) await t.evict();
          else drop("the target cannot evict isolates");
          break;
        case "crash":
          if (command.point === "now") {
            if (has("crash") && t.crash) {
              await t.crash();
              crashes++;
            } else drop("the target cannot crash");
          } else if (has("crashPoints") && t.crashAt) {
            t.crashAt(command.point);
            crashes++; // armed: it may or may not fire; counted as possible
          } else drop(`the target cannot place a crash at ${command.point}`);
          break;
        case "failLoader":
          if (has("loaderFaults") && t.failLoader) t.failLoader(1, "Injected Worker Loader failure");
          else drop("the target cannot make the Worker Loader fail");
          break;
        case "pause":
        case "resume":
        case "terminate":
        case "restart": {
          const instance = pick(command.instance);
          if (!instance) break;
          const before = await t.status(instance.tenant, instance.id).catch(() => null);
          const response = await t.control(instance.tenant, instance.id, command.kind).catch((error) => {
            failed(`${command.kind} of ${instance.tenant}'s instance`, error);
            return null;
          });
          if (!response) break;
          checkResponse(`${command.kind} of ${instance.tenant}'s instance`, response);
          if (response.status === 200) {
            if (command.kind === "terminate") terminated.add(instance.id);
            if (command.kind === "restart") terminated.delete(instance.id);
          } else if (command.kind === "terminate" && before && !TERMINAL.has(before.status)) {
            // terminate of a terminal instance may throw (WF-82): a legal outcome. Of a live one it may not.
            problems.push(`terminate of ${instance.tenant}'s live instance (${before.status}) failed: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
          }
          break;
        }
      }
    }

    await drain(t, created, { settleTimeoutMs, eventTimeoutMs }, problems);

    const instances: InstanceObservation[] = [];
    for (const { id, tenant, plan } of created) {
      const view = await t.status(tenant, id).catch((error) => {
        failed(`status of ${tenant}'s instance`, error);
        return null;
      });
      if (!view) continue;
      instances.push({
        id,
        tenant,
        plan,
        status: view.status,
        output: view.output ?? undefined,
        error: view.error ?? null,
        sent: sent.get(id) ?? [],
        terminated: terminated.has(id),
      });
    }
    const trace = has("trace") && t.trace ? t.trace() : [];
    return { profile: t.behaviour, target: t.name, trace, instances, problems, crashes, dropped };
  } finally {
    await t.dispose();
  }
}

/**
 * Lets everything finish: resume paused instances, let the target settle, let event waits time out; repeated,
 * because a pause requested while a step ran lands only after the step (`waitingForPause` → `paused`).
 */
async function drain(
  t: RunningTarget,
  created: Created[],
  { settleTimeoutMs, eventTimeoutMs }: { settleTimeoutMs: number; eventTimeoutMs: number },
  problems: string[],
): Promise<void> {
  for (let round = 0; round < DRAIN_ROUNDS; round++) {
    const statuses = await Promise.all(created.map((c) => t.status(c.tenant, c.id).then((v) => v.status, () => "unknown")));
    if (statuses.every((s) => TERMINAL.has(s))) return;
    for (const [i, status] of statuses.entries()) {
      if (status !== "paused") continue;
      const response = await t.control(created[i].tenant, created[i].id, "resume").catch((error) => ({ status: 0, body: String(error) }));
      if (response.status !== 200) problems.push(`drain: resume of ${created[i].tenant}'s paused instance failed: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
    }
    await t.settle({ timeoutMs: settleTimeoutMs });
    const after = await Promise.all(created.map((c) => t.status(c.tenant, c.id).then((v) => v.status, () => "unknown")));
    // Something still runs or waits for an event nobody will send: let the event waits time out.
    if (after.some((s) => !TERMINAL.has(s) && s !== "paused")) {
      await t.advance(eventTimeoutMs + 100);
      await t.settle({ timeoutMs: settleTimeoutMs });
    }
  }
}
