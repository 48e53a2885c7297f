/** Test helpers around the reference dispatcher running in the emulator. */
import { Emulator, type EmulatorOptions } from "../../emulator/index.ts";
import { emulatorTopology } from "../../targets/topology.ts";
import { TenantRegistry } from "../../contract/tenant-registry.ts";

export interface Marker {
  tenant: string;
  codeVersion: string;
  isolate: string;
  attempt: number;
  step: string;
}

export interface ProbeOutput {
  tenant: string;
  codeVersion: string;
  instanceId: string;
  markers: Marker[];
}

export class ReferenceRun {
  constructor(
    readonly emulator: Emulator,
    readonly tenants: TenantRegistry,
  ) {}

  static async start(
    tenantNames: readonly string[] = ["acme", "globex", "initech"],
    extra: Partial<EmulatorOptions> = {},
  ) {
    const tenants = TenantRegistry.probes(tenantNames);
    const emulator = new Emulator(emulatorTopology(tenants, extra));
    await emulator.ready;
    return new ReferenceRun(emulator, tenants);
  }

  async request(
    tenant: string,
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: any }> {
    const response = await this.emulator.dispatchFetch(`http://dispatcher${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { "x-tenant-id": tenant, "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    // The dispatcher (or the tenant) threw: the emulator answers 500 with the exception, as workerd does.
    if (response.status === 500 && response.headers.get("x-emulator-error") === "uncaught") throw new Error(text);
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /** Creates an instance through the tenant's wrapped binding (the path every real tenant takes). */
  async create(tenant: string, params: unknown, id?: string): Promise<string> {
    const { status, body } = await this.request(tenant, "/workflows", { body: { id, params } });
    if (status !== 200) throw new Error(`create failed for ${tenant}: ${status} ${JSON.stringify(body)}`);
    return body.id;
  }

  async status(tenant: string, id: string): Promise<any> {
    return (await this.request(tenant, `/workflows/${id}`)).body;
  }

  async output(tenant: string, id: string): Promise<ProbeOutput> {
    const status = await this.status(tenant, id);
    if (status.status !== "complete")
      throw new Error(`instance ${id} is ${status.status}: ${JSON.stringify(status.error)}`);
    return status.output as ProbeOutput;
  }

  attempts(instance: string, step: string): number {
    return this.emulator.trace().filter((e) => e.type === "step.attempt" && e.instance === instance && e.step === step)
      .length;
  }
}
