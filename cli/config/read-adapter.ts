/**
 * `adapter` in dwc.config.json: what the harness must know about the subject that its wrangler file does not say.
 * Every field is optional (the reference dispatcher's value is the default):
 *
 *   "adapter": {
 *     "tenant": { "header": "x-tenant-id" } | { "path": "/t/:tenant" } | { "host": ":tenant.example.com" }
 *               | { "module": "./address-tenant.mjs" },
 *     "deploy": { "service": "TENANTS" }
 *               | { "kv": { "binding": "CODE", "key": "tenants/:tenant/versions/:version", "latestKey": "tenants/:tenant/latest" } }
 *               | { "r2": { … the same … } },
 *               | { "request": "PUT /runs/:tenant/code" },
 *     "ownerKey": "tenantId", "workflowClass": "TenantWorkflow", "codeVersion": "latest" | "pinned",
 *     "tenantBinding": "WORKFLOWS", "workflow": "<a workflows[] name or binding>"
 *   }
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  CODE_VERSION_POLICIES,
  type CodeVersionPolicy,
  DEFAULT_ADAPTER,
  type SubjectAdapter,
  type TenantAddressing,
  type TenantDeploy,
} from "../../contract/subject.ts";

const KEYS = ["tenant", "deploy", "ownerKey", "workflowClass", "codeVersion", "tenantBinding", "workflow"];
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Validates `adapter`, pushing one "adapter.<field>: why" line per problem; returns the adapter with defaults. */
export function readAdapter(raw: unknown, baseDir: string, problems: string[]): SubjectAdapter {
  const adapter: SubjectAdapter = { ...DEFAULT_ADAPTER };
  if (!isObject(raw)) {
    problems.push(`adapter: must be an object (fields: ${KEYS.join(", ")})`);
    return adapter;
  }
  for (const key of Object.keys(raw))
    if (!KEYS.includes(key)) problems.push(`adapter.${key}: unknown key (known: ${KEYS.join(", ")})`);
  if (raw.tenant !== undefined) adapter.tenant = readTenant(raw.tenant, baseDir, problems) ?? adapter.tenant;
  if (raw.deploy !== undefined) adapter.deploy = readDeploy(raw.deploy, problems) ?? adapter.deploy;
  if (raw.ownerKey !== undefined) {
    if (typeof raw.ownerKey !== "string" || raw.ownerKey === "")
      problems.push(`adapter.ownerKey: must be the metadata key naming the code owner (e.g. "tenantId", "runId")`);
    else adapter.ownerKey = raw.ownerKey;
  }
  if (raw.workflowClass !== undefined) {
    if (typeof raw.workflowClass !== "string" || !IDENTIFIER.test(raw.workflowClass))
      problems.push(
        `adapter.workflowClass: must be the class name your dispatcher loads from tenant code (getEntrypoint("…")), got ${JSON.stringify(raw.workflowClass)}`,
      );
    else adapter.workflowClass = raw.workflowClass;
  }
  if (raw.tenantBinding !== undefined) {
    if (typeof raw.tenantBinding !== "string" || !IDENTIFIER.test(raw.tenantBinding))
      problems.push(
        `adapter.tenantBinding: must be the env name your dispatcher gives each tenant's wrapped Workflow binding (env.<name> in tenant code), got ${JSON.stringify(raw.tenantBinding)}`,
      );
    else adapter.tenantBinding = raw.tenantBinding;
  }
  if (raw.workflow !== undefined) {
    if (typeof raw.workflow !== "string" || raw.workflow === "")
      problems.push(
        `adapter.workflow: must name one of the wrangler file's workflows[] (its "name" or "binding"), got ${JSON.stringify(raw.workflow)}`,
      );
    else adapter.workflow = raw.workflow;
  }
  if (raw.codeVersion !== undefined) {
    if (!(CODE_VERSION_POLICIES as readonly unknown[]).includes(raw.codeVersion))
      problems.push(
        `adapter.codeVersion: ${JSON.stringify(raw.codeVersion)} is not a policy: "latest" (an instance wakes on the tenant's latest deploy) or "pinned" (on the version it was created with)`,
      );
    else adapter.codeVersion = raw.codeVersion as CodeVersionPolicy;
  }
  return adapter;
}

function readTenant(raw: unknown, baseDir: string, problems: string[]): TenantAddressing | undefined {
  const shape =
    'adapter.tenant: one of { "header": "x-tenant-id" }, { "path": "/t/:tenant" }, { "host": ":tenant.example.com" }, { "module": "./address.mjs" }';
  if (!isObject(raw) || Object.keys(raw).length !== 1) {
    problems.push(`${shape}; got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const [kind, value] = Object.entries(raw)[0];
  if (typeof value !== "string" || value === "") {
    problems.push(`${shape}; got ${JSON.stringify(raw)}`);
    return undefined;
  }
  switch (kind) {
    case "header":
      return { kind, name: value };
    case "path":
    case "host":
      if (!value.includes(":tenant")) {
        problems.push(
          `adapter.tenant.${kind}: the pattern must contain ":tenant" (where the tenant id goes), got "${value}"`,
        );
        return undefined;
      }
      if (kind === "path" && !value.startsWith("/")) {
        problems.push(`adapter.tenant.path: must start with "/", got "${value}"`);
        return undefined;
      }
      return { kind, pattern: value };
    case "module": {
      const path = resolve(baseDir, value);
      if (!existsSync(path)) {
        problems.push(`adapter.tenant.module: file not found: ${value}`);
        return undefined;
      }
      return { kind, path };
    }
    default:
      problems.push(`${shape}; "${kind}" is not one of them`);
      return undefined;
  }
}

function readDeploy(raw: unknown, problems: string[]): TenantDeploy | undefined {
  const shape =
    'adapter.deploy: one of { "service": "TENANTS" }, { "kv": { "binding", "key", "latestKey"? } }, { "r2": { "binding", "key", "latestKey"? } }, { "request": "PUT /path/:tenant" }';
  if (!isObject(raw) || Object.keys(raw).length !== 1) {
    problems.push(`${shape}; got ${JSON.stringify(raw)}`);
    return undefined;
  }
  const [kind, value] = Object.entries(raw)[0];
  if (kind === "service") {
    if (typeof value === "string" && IDENTIFIER.test(value)) return { kind, binding: value };
    problems.push(`adapter.deploy.service: must be the service binding's name, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (kind === "request") return readRequestDeploy(value, problems);
  if (kind !== "kv" && kind !== "r2") {
    problems.push(`${shape}; "${kind}" is not one of them`);
    return undefined;
  }
  const before = problems.length;
  if (!isObject(value)) {
    problems.push(`adapter.deploy.${kind}: must be an object { "binding", "key", "latestKey"? }`);
    return undefined;
  }
  for (const key of Object.keys(value))
    if (!["binding", "key", "latestKey"].includes(key))
      problems.push(`adapter.deploy.${kind}.${key}: unknown key (known: binding, key, latestKey)`);
  if (typeof value.binding !== "string" || value.binding === "")
    problems.push(`adapter.deploy.${kind}.binding: required, the wrangler binding the dispatcher reads code from`);
  if (typeof value.key !== "string" || !value.key.includes(":tenant"))
    problems.push(
      `adapter.deploy.${kind}.key: required, a key template containing ":tenant" (and ":version" to keep every version), e.g. "tenants/:tenant/versions/:version"`,
    );
  if (value.latestKey !== undefined && (typeof value.latestKey !== "string" || !value.latestKey.includes(":tenant")))
    problems.push(
      `adapter.deploy.${kind}.latestKey: a key template containing ":tenant", e.g. "tenants/:tenant/latest"`,
    );
  if (problems.length > before) return undefined;
  return {
    kind,
    binding: value.binding as string,
    key: value.key as string,
    ...(value.latestKey ? { latestKey: value.latestKey as string } : {}),
  };
}

const METHODS = ["POST", "PUT", "PATCH"];

/** `{ "request": "PUT /runs/:tenant/code" }`: a method that carries a body, and a path naming the tenant. */
function readRequestDeploy(value: unknown, problems: string[]): TenantDeploy | undefined {
  const match = typeof value === "string" ? /^([A-Z]+) (\/\S*)$/.exec(value) : null;
  if (!match || !METHODS.includes(match[1]) || !match[2].includes(":tenant")) {
    problems.push(
      `adapter.deploy.request: must be "<${METHODS.join("|")}> <path containing :tenant>", the request your dispatcher takes a tenant's code in, e.g. "PUT /runs/:tenant/code"; got ${JSON.stringify(value)}`,
    );
    return undefined;
  }
  return { kind: "request", method: match[1], path: match[2] };
}
