/**
 * Tenant code served to dispatchers through the `TENANTS` service binding: `GET https://tenants/<tenantId>` →
 * `{ codeVersion, compatibilityDate, mainModule, modules }`. Runs in Node (emulator serviceBindings, miniflare
 * serviceBindings), so the same registry feeds every local target.
 */
import { readFileSync } from "node:fs";

/** A tenant's deployable code, as the TENANTS binding serves it (the dispatcher turns it into WorkerCode). */
export interface TenantBundle {
  codeVersion: string;
  compatibilityDate: string;
  mainModule: string;
  modules: Record<string, string>;
}

const PROBE_SOURCE = readFileSync(new URL("../fixtures/tenants/probe-tenant.js", import.meta.url), "utf8");

/** The probe tenant's code for `tenant`, tagged with `codeVersion`. */
export function probeTenant(tenant: string, codeVersion = "v1"): TenantBundle {
  return {
    codeVersion,
    compatibilityDate: "2026-01-01",
    mainModule: "index.js",
    modules: {
      "index.js": PROBE_SOURCE,
      "config.js": `export default ${JSON.stringify({ tenant, codeVersion })};`,
    },
  };
}

/** A mutable registry: tests may swap a tenant's code (a deploy) between steps. */
export class TenantRegistry {
  private readonly tenants = new Map<string, TenantBundle>();
  /** How many times each tenant's code was fetched (a getCode run). */
  readonly fetches = new Map<string, number>();

  constructor(tenants: Record<string, TenantBundle> = {}) {
    for (const [id, code] of Object.entries(tenants)) this.tenants.set(id, code);
  }

  static probes(names: readonly string[], codeVersion = "v1"): TenantRegistry {
    return new TenantRegistry(Object.fromEntries(names.map((name) => [name, probeTenant(name, codeVersion)])));
  }

  set(tenant: string, code: TenantBundle): void {
    this.tenants.set(tenant, code);
  }

  /** The service binding handler. */
  readonly handle = (request: Request): Response => {
    const tenant = decodeURIComponent(new URL(request.url).pathname.slice(1));
    const code = this.tenants.get(tenant);
    this.fetches.set(tenant, (this.fetches.get(tenant) ?? 0) + 1);
    if (!code) return new Response(`unknown tenant "${tenant}"`, { status: 404 });
    return Response.json(code);
  };
}
