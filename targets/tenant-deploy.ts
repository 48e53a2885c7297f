/**
 * Puts the tenants' code where the subject's dispatcher reads it (adapter.deploy): behind the harness's service
 * binding (the registry answers itself: targets/topology.ts), or written into a KV namespace or an R2 bucket through
 * the target's own binding API — every deploy, the first ones and each later `tenants.set()` (a case's redeploy).
 *
 * Stored as the service binding serves it: the JSON `{ codeVersion, compatibilityDate, mainModule, modules }` under
 * `key` (`:tenant`, `:version` filled in), and the version string under `latestKey` when the adapter gives one.
 */
import type { SubjectAdapter, TenantDeploy } from "../contract/subject.ts";
import type { TenantBundle, TenantRegistry } from "../contract/tenant-registry.ts";
import { SubjectError } from "./subject-error.ts";

/** What KV namespaces and R2 buckets have in common, as the deploy uses them. */
export interface PutBinding {
  put(key: string, value: string): Promise<unknown>;
}

/**
 * The class the probe exports is `TenantWorkflow`; a subject that loads another name gets an alias appended to the
 * main module. Appended, not a wrapper module: the tenant's own module stays the main one, so a broken deploy fails
 * exactly as it would without the alias (a syntax error still names index.js, a top-level throw still throws), and
 * `typeof` keeps a module without the class loading.
 */
export function withWorkflowClass(code: TenantBundle, workflowClass: string): TenantBundle {
  if (workflowClass === "TenantWorkflow" || typeof code.modules[code.mainModule] !== "string") return code;
  const alias = `\nexport const ${workflowClass} = typeof TenantWorkflow === "undefined" ? undefined : TenantWorkflow;\n`;
  return { ...code, modules: { ...code.modules, [code.mainModule]: `${code.modules[code.mainModule]}${alias}` } };
}

/**
 * The probe reads its wrapped binding from `env.WORKFLOWS` unless its `config.js` names another
 * (`export const workflowsBinding`): a subject whose tenants get it under another name (adapter.tenantBinding).
 */
export function withTenantBinding(code: TenantBundle, tenantBinding: string): TenantBundle {
  const config = code.modules["config.js"];
  if (tenantBinding === "WORKFLOWS" || typeof config !== "string") return code;
  const named = `${config}\nexport const workflowsBinding = ${JSON.stringify(tenantBinding)};\n`;
  return { ...code, modules: { ...code.modules, "config.js": named } };
}

/** A bundle as this subject's dispatcher must see it: the class it loads, the binding name its tenants use. */
export function forSubject(code: TenantBundle, adapter: Pick<SubjectAdapter, "workflowClass" | "tenantBinding">) {
  return withTenantBinding(withWorkflowClass(code, adapter.workflowClass), adapter.tenantBinding);
}

export function fillKey(template: string, tenant: string, version: string): string {
  return template.replaceAll(":tenant", tenant).replaceAll(":version", version);
}

/**
 * Follows the registry into the store the adapter names. `flushed()` resolves when every deploy so far is
 * written (the tenant client waits for it before each request); a failed write rejects it with what to change.
 */
export class TenantDeployer {
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly adapter: SubjectAdapter,
    private readonly binding: (name: string) => Promise<unknown>,
    /** Sends a request to the dispatcher's fetch handler (the "request" deploy preset). */
    private readonly dispatch?: (request: Request) => Promise<Response>,
  ) {}

  /** Deploys every tenant the registry holds now and every later deploy. */
  follow(tenants: TenantRegistry): void {
    if (this.adapter.deploy.kind === "service") return;
    for (const [tenant, code] of tenants.entries()) this.deploy(tenant, code, tenants);
    tenants.onDeploy((tenant, code) => this.deploy(tenant, code, tenants));
  }

  flushed(): Promise<void> {
    return this.pending;
  }

  private deploy(tenant: string, code: TenantBundle, tenants: TenantRegistry): void {
    const deploy = this.adapter.deploy;
    if (deploy.kind === "service") return;
    const bundle = forSubject(code, this.adapter);
    if (deploy.kind === "request") {
      this.pending = this.pending.then(() => this.post(deploy, tenant, bundle, tenants));
      return;
    }
    this.pending = this.pending.then(async () => {
      const key = fillKey(deploy.key, tenant, code.codeVersion);
      const store = await this.binding(deploy.binding);
      const what = `${deploy.kind === "kv" ? "KV namespace" : "R2 bucket"} "${deploy.binding}"`;
      if (typeof (store as PutBinding | undefined)?.put !== "function") {
        throw new SubjectError(
          `deploying tenant "${tenant}": the dispatcher's binding "${deploy.binding}" is not a ${what} on this target (got ${typeof store})`,
          `adapter.deploy.${deploy.kind}.binding must name one of the wrangler file's ${deploy.kind === "kv" ? "kv_namespaces" : "r2_buckets"}`,
        );
      }
      try {
        await (store as PutBinding).put(key, JSON.stringify(bundle));
        if (deploy.latestKey)
          await (store as PutBinding).put(fillKey(deploy.latestKey, tenant, code.codeVersion), code.codeVersion);
        tenants.delivered(tenant);
      } catch (error) {
        throw new SubjectError(
          `deploying tenant "${tenant}" to ${what} key "${key}" failed: ${error instanceof Error ? error.message : String(error)}`,
          `check adapter.deploy.${deploy.kind} in dwc.config.json (binding, key template) against the wrangler file`,
        );
      }
    });
  }

  /** The "request" preset: the bundle JSON sent to the dispatcher; anything but a 2xx fails the deploy. */
  private async post(
    deploy: Extract<TenantDeploy, { kind: "request" }>,
    tenant: string,
    bundle: TenantBundle,
    tenants: TenantRegistry,
  ): Promise<void> {
    const path = fillKey(deploy.path, encodeURIComponent(tenant), encodeURIComponent(bundle.codeVersion));
    const what = `${deploy.method} ${path}`;
    if (!this.dispatch)
      throw new SubjectError(
        `deploying tenant "${tenant}" by ${what}: this target cannot send it`,
        "run this subject on a local target (emulator or workerd)",
      );
    let response: Response;
    try {
      response = await this.dispatch(
        new Request(`http://dispatcher${path}`, {
          method: deploy.method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(bundle),
        }),
      );
    } catch (error) {
      throw new SubjectError(
        `deploying tenant "${tenant}" by ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
        "check adapter.deploy.request in dwc.config.json against the route your dispatcher takes code on",
      );
    }
    const body = await response.text();
    if (!response.ok)
      throw new SubjectError(
        `deploying tenant "${tenant}" by ${what}: the dispatcher answered HTTP ${response.status} ${body.slice(0, 300)}`,
        `accept { codeVersion, compatibilityDate, mainModule, modules } as JSON on that route with a 2xx, or fix adapter.deploy.request in dwc.config.json`,
      );
    tenants.delivered(tenant);
  }
}
