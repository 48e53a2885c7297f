/**
 * The emulator as the benchmarks drive it: the reference dispatcher with probe tenants, production profile, trace
 * recording off (it would grow with every event), and requests sent the way every conformance case sends them:
 * HTTP to the dispatcher with `x-tenant-id`, into the tenant's wrapped Workflow binding (harness TenantClient).
 */
import { Emulator, type ProfileName, type TraceEvent } from "../../emulator/index.ts";
import { emulatorTopology } from "../../targets/topology.ts";
import { TenantRegistry } from "../../contract/tenant-registry.ts";
import { TenantClient } from "../../targets/tenant-client.ts";
import type { Plan } from "./plans.ts";

export interface CreatedInstance {
  id: string;
  tenant: string;
  /** performance.now() when the create request was sent. */
  sentAt: number;
}

export class EmulatorHarness {
  /**
   * performance.now() at which each instance (by id) reached `complete`, when observable: taken from the engine's
   * trace events, which are produced even with recording off. Empty if the emulator's internals change shape.
   */
  readonly completedAt = new Map<string, number>();
  readonly client: TenantClient;

  private constructor(
    readonly emulator: Emulator,
    readonly tenants: TenantRegistry,
  ) {
    this.client = new TenantClient((request) => emulator.dispatchFetch(request));
    this.watchCompletions();
  }

  static async start(tenantNames: readonly string[], profile: ProfileName = "production"): Promise<EmulatorHarness> {
    const tenants = TenantRegistry.probes(tenantNames);
    const emulator = new Emulator(emulatorTopology(tenants, { trace: false, profile }));
    await emulator.ready;
    return new EmulatorHarness(emulator, tenants);
  }

  /** One request per tenant, so their code is loaded and compiled before anything is timed. */
  async warm(tenantNames: readonly string[]): Promise<void> {
    for (const tenant of tenantNames) await this.client.request(tenant, "/state");
  }

  /**
   * Creates `count` instances of `plan` through the tenants' wrapped bindings, `wave` requests at a time
   * (default: all at once).
   */
  async createMany(
    count: number,
    plan: Plan,
    tenantOf: (i: number) => string,
    wave = count,
  ): Promise<CreatedInstance[]> {
    const created: CreatedInstance[] = [];
    for (let start = 0; start < count; start += wave) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(wave, count - start) }, async (_, k) => {
          const tenant = tenantOf(start + k);
          const sentAt = performance.now();
          const id = await this.client.create(tenant, { plan });
          return { id, tenant, sentAt };
        }),
      );
      created.push(...batch);
    }
    return created;
  }

  /** Status counts of the given instances, read from the host's (unwrapped) binding: cheap, outside any timing. */
  async statusCounts(instances: readonly CreatedInstance[]): Promise<Record<string, number>> {
    const { WORKFLOWS } = await this.emulator.getBindings<{
      WORKFLOWS: { get(id: string): Promise<{ status(): Promise<{ status: string }> }> };
    }>();
    const counts: Record<string, number> = {};
    for (const { id } of instances) {
      const { status } = await (await WORKFLOWS.get(id)).status();
      counts[status] = (counts[status] ?? 0) + 1;
    }
    return counts;
  }

  /** Throws unless every instance is `complete`. */
  async expectAll(instances: readonly CreatedInstance[], status: string, what: string): Promise<void> {
    const counts = await this.statusCounts(instances);
    if ((counts[status] ?? 0) !== instances.length) {
      throw new Error(`${what}: expected all ${instances.length} instances ${status}, got ${JSON.stringify(counts)}`);
    }
  }

  async dispose(): Promise<void> {
    await this.emulator.dispose();
  }

  private watchCompletions(): void {
    // White-box and optional: the trace log is private. If it is not there, latencies are reported as unavailable.
    const log = (this.emulator as unknown as { traceLog?: { record?: (event: TraceEvent) => void } }).traceLog;
    if (!log || typeof log.record !== "function") return;
    const record = log.record.bind(log);
    log.record = (event: TraceEvent) => {
      if (event.type === "status" && event.to === "complete") this.completedAt.set(event.instance, performance.now());
      record(event);
    };
  }
}
