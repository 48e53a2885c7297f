/**
 * The instances a running target created, id → the tenant that created it, in creation order. Real-time targets
 * need it: neither local workerd nor a deployment lists instances, yet settling, reconciling after a restart and
 * cleaning up all have to visit every instance a case made. Fed by TenantClient's `onCreated`.
 */
export class InstanceLedger {
  private readonly byId = new Map<string, string>();

  record(id: string, tenant: string): void {
    this.byId.set(id, tenant);
  }

  entries(): Array<{ id: string; tenant: string }> {
    return [...this.byId].map(([id, tenant]) => ({ id, tenant }));
  }
}
