/**
 * The part of a RunningTarget every target implements the same way: the tenant-side control API, spoken through a
 * TenantClient. Targets differ only in how a request reaches the dispatcher (their client's send function).
 */
import type { ControlAction } from "../contract/capabilities.ts";
import type { InstanceView, RequestInit, TargetResponse } from "../contract/target.ts";
import type { TenantClient } from "./tenant-client.ts";

export abstract class TenantApiTarget {
  protected abstract readonly client: TenantClient;

  request(tenant: string, path: string, init?: RequestInit): Promise<TargetResponse> {
    return this.client.request(tenant, path, init);
  }
  create(tenant: string, params: unknown, id?: string): Promise<string> {
    return this.client.create(tenant, params, id);
  }
  status(tenant: string, id: string): Promise<InstanceView> {
    return this.client.status(tenant, id);
  }
  sendEvent(tenant: string, id: string, type: string, payload?: unknown): Promise<TargetResponse> {
    return this.client.sendEvent(tenant, id, type, payload);
  }
  control(tenant: string, id: string, action: ControlAction): Promise<TargetResponse> {
    return this.client.control(tenant, id, action);
  }
}
