/**
 * The subject as data: what a dispatcher is (its wrangler file: main module, compatibility, bindings) and what the
 * harness must know that wrangler does not say (the adapter: how a tenant is addressed, how its code is deployed,
 * which metadata key names the code owner, the tenant's workflow class, the code-version policy on wake).
 *
 * Both local targets build their topology from one `SubjectDescription` (targets/topology.ts), so the emulator
 * and workerd run the same bindings. The CLI reads it from `dwc.config.json` + the wrangler file
 * (cli/config/); tests may write one by hand. Plain data: it crosses into the fuzzer's worker threads.
 */

/** A Workflow binding as wrangler's `workflows[]` declares it. */
export interface WorkflowDescription {
  binding: string;
  name: string;
  className: string;
  /** The workflow's own compatibility flags (wrangler: the worker's flags, as `wrangler dev` passes them). */
  compatibilityFlags: string[];
}

export interface KvNamespaceDescription {
  binding: string;
  id: string;
}

export interface R2BucketDescription {
  binding: string;
  bucketName: string;
}

export interface DurableObjectDescription {
  binding: string;
  className: string;
  /** Another worker's class: the harness runs one worker, so only the dispatcher's own classes run. */
  scriptName?: string;
  /** Declared in `migrations[].new_sqlite_classes`: miniflare's `useSQLite`. */
  sqlite: boolean;
}

export interface ServiceDescription {
  binding: string;
  service: string;
  entrypoint?: string;
}

/** How the harness addresses a tenant's worker through the dispatcher. */
export type TenantAddressing =
  /** A request header carries the tenant id (the reference: `x-tenant-id`). */
  | { kind: "header"; name: string }
  /** A path prefix names it, e.g. `/t/:tenant`: a probe request `/workflows` goes to `/t/acme/workflows`. */
  | { kind: "path"; pattern: string }
  /** A hostname names it, e.g. `:tenant.example.com`. */
  | { kind: "host"; pattern: string }
  /** A module whose default export `(tenant, request) => Request` rewrites the harness's request (Node side). */
  | { kind: "module"; path: string };

/** How the harness deploys a tenant's code where the dispatcher reads it. */
export type TenantDeploy =
  /** The harness serves the code behind this service binding: `GET https://tenants/<tenant>` (latest) and
   * `GET https://tenants/<tenant>/versions/<codeVersion>` → `{ codeVersion, compatibilityDate, mainModule, modules }`. */
  | { kind: "service"; binding: string }
  /** The harness writes that JSON into a KV namespace / R2 bucket under `key` (`:tenant`, `:version` filled in),
   * and, when `latestKey` is given, the version string under it (a pointer to the latest deploy). */
  | { kind: "kv" | "r2"; binding: string; key: string; latestKey?: string }
  /** The harness sends that JSON to the dispatcher itself: `<method> <path>` (`:tenant`, `:version` filled in, the
   * tenant URL-encoded), e.g. `PUT /runs/:tenant/code` — an app whose code arrives in a request. A 2xx is a deploy. */
  | { kind: "request"; method: string; path: string };

/** Which code an instance gets when it wakes: the tenant's latest deploy, or the version it was created with. */
export type CodeVersionPolicy = "latest" | "pinned";
export const CODE_VERSION_POLICIES: readonly CodeVersionPolicy[] = ["latest", "pinned"];

export interface SubjectAdapter {
  tenant: TenantAddressing;
  deploy: TenantDeploy;
  /** The metadata key whose value is the code owner (`tenantId`, `runId`): the harness's tenant id. */
  ownerKey: string;
  /** The class the dispatcher loads from the tenant's code (`getEntrypoint(<class>)`); the probe exports it. */
  workflowClass: string;
  codeVersion: CodeVersionPolicy;
  /** The name under which the dispatcher hands each tenant its wrapped Workflow binding (`env.<name>` in tenant
   * code); the probe tenant calls that one. */
  tenantBinding: string;
  /** Which of the wrangler file's `workflows[]` the harness drives (its `name` or `binding`); absent: the first. */
  workflow?: string;
}

/** What the cases may know of the subject (RunningTarget.subject): only what changes what they expect. */
export interface SubjectTraits {
  ownerKey: string;
  codeVersion: CodeVersionPolicy;
  /** How tenants are addressed: some tenant ids cannot be (a hostname label is lower-case). Absent: a header. */
  tenant?: TenantAddressing;
  /** The tenants' wrapped binding (`env.<name>`), so findings name the call a tenant made. Absent: `WORKFLOWS`. */
  tenantBinding?: string;
}

/**
 * Why `tenant` cannot be addressed the way the subject addresses tenants, or undefined when it can. Only host routing
 * restricts ids: a hostname label is case-insensitive a–z, 0–9 and '-' (RFC 1035), so `ACME-CORP` and `acme-corp:eu`
 * are not two tenants a host-routed platform can have. Cases needing such ids are unsupported there, not failed.
 */
export function unaddressableTenant(addressing: TenantAddressing | undefined, tenant: string): string | undefined {
  if (addressing?.kind !== "host") return undefined;
  if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(tenant)) return undefined;
  return `tenant id "${tenant}" cannot be a hostname label (lower-case a-z, 0-9 and '-', at most 63 characters), and this subject addresses tenants by host (${addressing.pattern})`;
}

export interface SubjectDescription {
  /** Absolute path of the dispatcher's main module (the harness bundles it). */
  main: string;
  /** Absolute path of the wrangler file it came from; absent for the built-in defaults. */
  wranglerFile?: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  workflows: WorkflowDescription[];
  workerLoaders: string[];
  kvNamespaces: KvNamespaceDescription[];
  r2Buckets: R2BucketDescription[];
  durableObjects: DurableObjectDescription[];
  /** Durable Object classes the migrations declare that no binding names: reached through `ctx.exports` only
   * (miniflare's `additionalUnboundDurableObjects`; the emulator finds them by their `DurableObject` base). */
  unboundDurableObjects?: { className: string; sqlite: boolean }[];
  vars: Record<string, unknown>;
  services: ServiceDescription[];
  adapter: SubjectAdapter;
}

/** The reference dispatcher's adapter: today's contract, and the default for every field. */
export const DEFAULT_ADAPTER: SubjectAdapter = {
  tenant: { kind: "header", name: "x-tenant-id" },
  deploy: { kind: "service", binding: "TENANTS" },
  ownerKey: "tenantId",
  workflowClass: "TenantWorkflow",
  codeVersion: "latest",
  tenantBinding: "WORKFLOWS",
};

/** The traits cases read; a target that knows no subject (a remote deployment) behaves as the defaults. */
export function traitsOf(adapter: SubjectAdapter = DEFAULT_ADAPTER): SubjectTraits {
  return {
    ownerKey: adapter.ownerKey,
    codeVersion: adapter.codeVersion,
    tenant: adapter.tenant,
    tenantBinding: adapter.tenantBinding,
  };
}

/** `env.<name>` of the tenants' wrapped binding as tenant code writes it: the default's when the traits do not say. */
export function tenantBindingOf(traits: SubjectTraits | undefined): string {
  return `env.${traits?.tenantBinding ?? DEFAULT_ADAPTER.tenantBinding}`;
}
