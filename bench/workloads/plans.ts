/**
 * The workflow every workload runs, in the probe tenant's plan format (fixtures/tenants/probe-tenant.js): a step,
 * a sleep, a step. Each step returns a marker naming the tenant whose code ran it.
 */

export type Plan = Array<{ do: string } | { sleep: string; duration: string | number }>;

export function stepSleepStep(duration: string | number): Plan {
  return [{ do: "first" }, { sleep: "nap", duration }, { do: "second" }];
}

export const TWO_TENANTS = ["acme", "globex"] as const;

/** Instance i's tenant: round-robin over `tenants`. */
export function tenantOf(i: number, tenants: readonly string[] = TWO_TENANTS): string {
  return tenants[i % tenants.length];
}
