/**
 * The tenants a fuzz scenario draws its creates from: three dissimilar names, and the adversarial families of
 * suites/tenant-ids.ts (ids that collide under lower-casing, punctuation stripping, truncation, percent-decoding), so
 * a dispatcher that keys an isolate on a normalised tenant id meets two colliding tenants in one scenario. And the
 * routing-looking keys every scenario's params carry, naming a tenant other than the creator.
 */
import { collidingTenantIds, routingLookingParams, tenantIdsOf } from "../tenant-ids.ts";

/** Short ids first: shrinking moves a tenant towards the front, so shrunk scenarios name the long ids only when needed. */
export const TENANTS: readonly string[] = [
  "acme",
  "globex",
  "initech",
  ...tenantIdsOf(collidingTenantIds("acme-corp")).sort((a, b) => a.length - b.length),
];

/** A tenant id of the scenario (one of `TENANTS`). */
export type TenantName = string;

/**
 * Keys a dispatcher might mistake for its routing key (`tenantId`, `tenant`, a metadata envelope), naming a tenant
 * that is not `creator`: merged into every created instance's params, so a dispatcher that routes by params runs
 * the wrong tenant's code in any scenario with a create. Never the library's full envelope (`__dispatcherMetadata`
 * *and* `params`): that would be a different test (a dispatcher that drops the tag on one path).
 */
export function decoyParams(creator: TenantName): Record<string, unknown> {
  const victim = TENANTS.find((t) => t !== creator && t.toLowerCase() !== creator.toLowerCase()) ?? "globex";
  return routingLookingParams(victim);
}
