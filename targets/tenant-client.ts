/**
 * The probe tenant's control API (fixtures/tenants/probe-tenant.js), spoken over any way of sending a request to
 * the dispatcher. Every target uses it, so every target exercises the same path: dispatcher → tenant → wrapped
 * Workflow binding → engine.
 */
import type { ControlAction } from "../contract/capabilities.ts";
import type { InstanceView, RequestInit, TargetResponse } from "../contract/target.ts";
import { type AddressTenant, tenantAddress } from "./tenant-address.ts";

export type SendToDispatcher = (request: Request) => Promise<Response>;

export interface TenantClientOptions {
  /** How a tenant is addressed (adapter.tenant). Default: the `x-tenant-id` header. */
  address?: AddressTenant;
  /** Awaited before each request: the deploys so far are written (targets/tenant-deploy.ts). */
  ready?: () => Promise<void>;
}

const BY_HEADER = tenantAddress({ kind: "header", name: "x-tenant-id" });

export class TenantClient {
  /**
   * `onCreated` hears of every instance created through this client (single creates and createBatch): real-time
   * targets have no list API, and must know their instances to settle and to reconcile after a restart.
   */
  constructor(
    private readonly send: SendToDispatcher,
    private readonly onCreated: (id: string, tenant: string) => void = () => {},
    private readonly options: TenantClientOptions = {},
  ) {}

  async request(tenant: string, path: string, init: RequestInit = {}): Promise<TargetResponse> {
    const response = await this.send_(tenant, path, init);
    if (response.status === 200 && (init.method ?? (init.body === undefined ? "GET" : "POST")) === "POST") {
      const id = createdId(response);
      if (path === "/workflows" && id !== undefined) this.onCreated(id, tenant);
      if (path === "/workflows/batch") for (const batchId of createdIds(response)) this.onCreated(batchId, tenant);
    }
    return response;
  }

  private async send_(tenant: string, path: string, init: RequestInit): Promise<TargetResponse> {
    await this.options.ready?.();
    const plain = new Request(`http://dispatcher${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const response = await this.send(await (this.options.address ?? BY_HEADER)(tenant, plain));
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text, so the failure message shows what came back
    }
    return { status: response.status, body };
  }

  async create(tenant: string, params: unknown, id?: string): Promise<string> {
    const response = await this.request(tenant, "/workflows", { body: id === undefined ? { params } : { id, params } });
    const created = createdId(response);
    if (response.status !== 200 || created === undefined) {
      throw new Error(`create for tenant "${tenant}" failed: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    }
    return created;
  }

  async status(tenant: string, id: string): Promise<InstanceView> {
    const response = await this.request(tenant, `/workflows/${encodeURIComponent(id)}`);
    if (response.status !== 200) {
      throw new Error(
        `status of ${id} for tenant "${tenant}" failed: HTTP ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body as InstanceView;
  }

  sendEvent(tenant: string, id: string, type: string, payload?: unknown): Promise<TargetResponse> {
    return this.request(tenant, `/workflows/${encodeURIComponent(id)}/events`, { body: { type, payload } });
  }

  control(tenant: string, id: string, action: ControlAction): Promise<TargetResponse> {
    return this.request(tenant, `/workflows/${encodeURIComponent(id)}/${action}`, { method: "POST" });
  }
}

/** The id a tenant's create answered with (`{ id }`), if it answered with one. */
export function createdId(response: TargetResponse): string | undefined {
  const id = (response.body as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id : undefined;
}

/** The ids a tenant's createBatch answered with (`{ ids }`). */
export function createdIds(response: TargetResponse): string[] {
  const ids = (response.body as { ids?: unknown } | null)?.ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}
