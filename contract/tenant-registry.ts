/**
 * Tenant code served to dispatchers through the `TENANTS` service binding: `GET https://tenants/<tenantId>` →
 * `{ codeVersion, compatibilityDate, mainModule, modules }` (the latest deploy), and
 * `GET https://tenants/<tenantId>/versions/<codeVersion>` → that version (a dispatcher that pins versions).
 * Runs in Node (emulator serviceBindings, miniflare serviceBindings), so the same registry feeds every local target;
 * a target that deploys elsewhere (a KV namespace, an R2 bucket: targets/tenant-deploy.ts) follows `onDeploy`.
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
  /** Every version ever deployed, per tenant: a pinned instance may ask for an old one. */
  private readonly versions = new Map<string, Map<string, TenantBundle>>();
  private readonly listeners: ((tenant: string, code: TenantBundle) => void)[] = [];
  /** How many times each tenant's code was fetched (a getCode run). */
  readonly fetches = new Map<string, number>();
  /** How many deploys of each tenant a target wrote where the dispatcher reads them (a KV or R2 deploy). */
  readonly deliveries = new Map<string, number>();

  constructor(tenants: Record<string, TenantBundle> = {}) {
    for (const [id, code] of Object.entries(tenants)) this.set(id, code);
  }

  static probes(names: readonly string[], codeVersion = "v1"): TenantRegistry {
    return new TenantRegistry(Object.fromEntries(names.map((name) => [name, probeTenant(name, codeVersion)])));
  }

  /** A deploy: the tenant's latest code from now on (older versions stay reachable by version). */
  set(tenant: string, code: TenantBundle): void {
    this.tenants.set(tenant, code);
    if (!this.versions.has(tenant)) this.versions.set(tenant, new Map());
    this.versions.get(tenant)!.set(code.codeVersion, code);
    for (const listener of this.listeners) listener(tenant, code);
  }

  /** Every tenant's latest code. */
  entries(): [string, TenantBundle][] {
    return [...this.tenants.entries()];
  }

  /** A target wrote `tenant`'s code into the dispatcher's store: the registry's code reached the dispatcher. */
  delivered(tenant: string): void {
    this.deliveries.set(tenant, (this.deliveries.get(tenant) ?? 0) + 1);
  }

  /** Whether the dispatcher can have the registry's code for `tenant`: fetched from it, or delivered to its store. */
  reaches(tenant: string): boolean {
    return (this.fetches.get(tenant) ?? 0) > 0 || (this.deliveries.get(tenant) ?? 0) > 0;
  }

  /** Hears every later deploy (a target that copies the code where the dispatcher reads it). */
  onDeploy(listener: (tenant: string, code: TenantBundle) => void): void {
    this.listeners.push(listener);
  }

  /** The service binding handler: `/<tenant>` (latest) or `/<tenant>/versions/<codeVersion>`. */
  readonly handle = (request: Request): Response => {
    const path = new URL(request.url).pathname.slice(1);
    const versioned = /^(.*)\/versions\/([^/]*)$/.exec(path);
    const tenant = decodeURIComponent(versioned ? versioned[1] : path);
    const code = versioned
      ? this.versions.get(tenant)?.get(decodeURIComponent(versioned[2]))
      : this.tenants.get(tenant);
    this.fetches.set(tenant, (this.fetches.get(tenant) ?? 0) + 1);
    if (!code)
      return new Response(`unknown tenant "${tenant}"${versioned ? ` version "${versioned[2]}"` : ""}`, {
        status: 404,
      });
    return Response.json(code);
  };
}
