/**
 * Runs a scenario on a fresh emulator and collects what the invariants need: the trace, every instance's durable
 * record (ground truth: who created it, with which plan), and the events sent. Deterministic for a given scenario
 * and seed.
 */
import { Emulator, type ProfileName, type Traced } from "../emulator/index.ts";
import { REFERENCE_DISPATCHER_PATH, referenceEmulatorOptions } from "../targets/topology.ts";
import { TenantRegistry } from "../contract/tenant-registry.ts";
import { EVENT_TIMEOUT_MS, probePlan, TENANTS, type PlanAction, type Scenario, type TenantName } from "../suites/properties/scenario.ts";

export interface RunOptions {
  profile: ProfileName;
  /** The dispatcher under test. Default: the reference dispatcher. */
  dispatcherPath?: string;
  seed?: number;
}

export interface InstanceObservation {
  id: string;
  /** The tenant that created it (from the params the harness put in, not from anything the dispatcher says). */
  tenant: TenantName;
  plan: PlanAction[];
  status: string;
  output: unknown;
  error: { name: string; message: string } | null;
  /** Events sent to it, in order: [type, sequence number used as payload]. */
  sent: Array<[string, number]>;
  /** Whether a terminate command reached it while it was live. */
  terminated: boolean;
}

export interface Observation {
  profile: ProfileName;
  trace: readonly Traced[];
  instances: InstanceObservation[];
  /** Harness-level problems (a create request that failed for a reason other than a crash, a drain that timed out). */
  problems: string[];
}

const DRAIN_MS = 400 * 86_400_000;

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<Observation> {
  const tenants = TenantRegistry.probes(TENANTS);
  const emulator = new Emulator(
    referenceEmulatorOptions(tenants, {
      profile: options.profile,
      scriptPath: options.dispatcherPath ?? REFERENCE_DISPATCHER_PATH,
      seed: options.seed ?? 1,
      // A scenario never needs this many replays of one instance; a dispatcher that loops is reported, not waited on.
      maxLifetimesPerInstance: 300,
    }),
  );
  const problems: string[] = [];
  const sent = new Map<string, Array<[string, number]>>();
  const terminated = new Set<string>();
  let eventSeq = 0;
  try {
    await emulator.ready;
    const engine = emulator.engine("WORKFLOWS");
    // Instances in creation order: commands refer to them by index (modulo the count).
    const ids = () => engine.instanceIds();
    const pick = (index: number) => {
      const all = ids();
      return all.length === 0 ? undefined : all[index % all.length];
    };
    const tenantRequest = async (tenant: string, path: string, body?: unknown) => {
      try {
        const response = await emulator.dispatchFetch(`http://dispatcher${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { "x-tenant-id": tenant, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        // An injected loader failure may hit the tenant's request path too: expected. Anything else is a problem.
        if (response.status >= 500 && !text.includes("Injected Worker Loader failure")) {
          problems.push(`request ${path} for ${tenant} failed: HTTP ${response.status} ${text.slice(0, 200)}`);
        }
      } catch (error) {
        // A crash kills requests in flight (emulated crash); anything else is a harness problem worth reporting.
        if (!String(error).includes("emulated crash")) problems.push(`request ${path} for ${tenant} failed: ${String(error)}`);
      }
    };

    for (const command of scenario.commands) {
      switch (command.kind) {
        case "create": {
          const params = { plan: probePlan(command.plan), creator: command.tenant, scenarioPlan: command.plan };
          if (command.batch) await tenantRequest(command.tenant, "/workflows/batch", { instances: [{ params }] });
          else await tenantRequest(command.tenant, "/workflows", { params });
          break;
        }
        case "advance":
          await emulator.time.advance(command.ms);
          break;
        case "event": {
          const id = pick(command.instance);
          if (!id) break;
          const seq = ++eventSeq;
          const record = engine.store.get(id)!;
          const before = record.eventBuffer.get(command.type)?.length ?? 0;
          try {
            engine.sendEvent(id, { type: command.type, payload: seq });
          } catch {
            break; // production refuses events to terminal instances
          }
          // Only count events the engine accepted for a live instance.
          if ((record.eventBuffer.get(command.type)?.length ?? 0) > before || !["complete", "errored", "terminated"].includes(record.status)) {
            const list = sent.get(id) ?? [];
            list.push([command.type, seq]);
            sent.set(id, list);
          }
          break;
        }
        case "evict":
          emulator.evict();
          break;
        case "crash":
          if (command.point === "now") emulator.crash();
          else emulator.crash(command.point);
          break;
        case "failLoader":
          emulator.failLoader(1);
          break;
        case "pause":
        case "resume":
        case "terminate":
        case "restart": {
          const id = pick(command.instance);
          if (!id) break;
          const status = engine.status(id).status;
          try {
            engine[command.kind](id);
            if (command.kind === "terminate") terminated.add(id);
            if (command.kind === "restart") terminated.delete(id);
          } catch {
            // terminate of a terminal instance throws (WF-82): a legal outcome, nothing changed
            if (command.kind === "terminate" && !["complete", "errored", "terminated"].includes(status)) {
              problems.push(`terminate of live instance ${id} (${status}) threw`);
            }
          }
          break;
        }
      }
      await emulator.time.advance(0);
    }

    await drain(emulator, options.profile);
    const instances: InstanceObservation[] = [];
    for (const id of ids()) {
      const record = engine.store.get(id)!;
      const params = (record.params as { params?: { creator?: TenantName; scenarioPlan?: PlanAction[] } }).params;
      if (!params?.creator) {
        problems.push(`instance ${id} has no creator in its params: ${JSON.stringify(record.params).slice(0, 200)}`);
        continue;
      }
      instances.push({
        id,
        tenant: params.creator,
        plan: params.scenarioPlan ?? [],
        status: record.status,
        output: record.output?.value,
        error: record.error,
        sent: sent.get(id) ?? [],
        terminated: terminated.has(id),
      });
    }
    return { profile: options.profile, trace: emulator.trace(), instances, problems };
  } finally {
    await emulator.dispose();
  }
}

/**
 * Lets everything finish: resume paused instances, let every event wait time out, run to idle. In the local
 * profile nothing wakes after a crash (LE-07), so — like the workerd target — pause and resume every live instance.
 */
async function drain(emulator: Emulator, profile: ProfileName): Promise<void> {
  const engine = emulator.engine("WORKFLOWS");
  // Crashes still armed may fire during the drain, each needing a reconcile in the local profile: loop until every
  // instance is terminal, with a bound (a stuck instance is then reported by the liveness invariant).
  const terminal = new Set(["complete", "errored", "terminated"]);
  for (let round = 0; round < 12; round++) {
    if (round >= 2 && engine.instanceIds().every((id) => terminal.has(engine.status(id).status))) return;
    for (const id of engine.instanceIds()) {
      const { status } = engine.status(id);
      if (status === "paused") engine.resume(id);
      else if (profile === "local" && (status === "running" || status === "queued" || status === "waitingForPause")) {
        engine.pause(id);
        engine.resume(id);
      }
    }
    await emulator.runUntilIdle({ maxAdvanceMs: DRAIN_MS });
    await emulator.time.advance(EVENT_TIMEOUT_MS + 1000);
    await emulator.runUntilIdle({ maxAdvanceMs: DRAIN_MS });
  }
}
