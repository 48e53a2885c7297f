/**
 * The bindings topology a dispatcher gets, in one place for every local target, built from one
 * `SubjectDescription` (contract/subject.ts: the user's wrangler file + adapter, or the reference subject). The
 * emulator takes it as options; miniflare gets the same shape (the emulator's option names follow Miniflare's).
 *
 * The harness adds exactly one binding of its own: under the "service" deploy preset, the service binding that
 * serves tenant code (the reference: `TENANTS`). Every other binding is the wrangler file's.
 */
import { fileURLToPath } from "node:url";
import type { EmulatorOptions } from "../emulator/index.ts";
import { DEFAULT_ADAPTER, type SubjectDescription } from "../contract/subject.ts";
import type { TenantBundle, TenantRegistry } from "../contract/tenant-registry.ts";
import { SubjectError, shownFile } from "./subject-error.ts";
import { forSubject } from "./tenant-deploy.ts";

/** The reference dispatcher: tested when the configuration names no other. */
export const REFERENCE_DISPATCHER_PATH = fileURLToPath(new URL("../fixtures/dispatcher/index.ts", import.meta.url));

export const DEFAULT_COMPATIBILITY_DATE = "2026-01-01";

/** The Workflow binding and the Worker Loader the reference dispatcher is given. */
export const DISPATCHER_BINDINGS = {
  workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
  workerLoaders: { LOADER: {} },
} as const;

/** The reference subject (no wrangler file): the topology the harness has always given, as a description. */
export function referenceSubject(main: string = REFERENCE_DISPATCHER_PATH): SubjectDescription {
  return {
    main,
    compatibilityDate: DEFAULT_COMPATIBILITY_DATE,
    compatibilityFlags: [],
    workflows: [{ binding: "WORKFLOWS", ...DISPATCHER_BINDINGS.workflows.WORKFLOWS, compatibilityFlags: [] }],
    workerLoaders: ["LOADER"],
    kvNamespaces: [],
    r2Buckets: [],
    durableObjects: [],
    vars: {},
    services: [],
    adapter: DEFAULT_ADAPTER,
  };
}

/**
 * The Workflow binding the harness drives (the host binding): the wrangler `workflows[]` entry the adapter names
 * (`adapter.workflow`, by name or binding), else the first one declared.
 */
export function workflowBindingOf(subject: SubjectDescription): string {
  const wanted = subject.adapter.workflow;
  const declared = subject.workflows.map((w) => `${w.name} (binding ${w.binding})`).join(", ");
  if (wanted !== undefined) {
    const named = subject.workflows.find((w) => w.name === wanted || w.binding === wanted);
    if (named) return named.binding;
    throw new SubjectError(
      `dwc.config.json: adapter.workflow: "${wanted}" is not a workflow of ${where(subject)} (it declares: ${declared || "none"})`,
      "set adapter.workflow to the name or binding of the workflows[] entry whose class is your dynamic workflow entrypoint",
    );
  }
  const first = subject.workflows[0];
  if (!first) {
    throw new SubjectError(
      `${where(subject)}: workflows: no Workflow binding declared`,
      'declare the dispatcher\'s workflow: "workflows": [{ "name": "…", "binding": "WORKFLOWS", "class_name": "DynamicWorkflow" }]',
    );
  }
  return first.binding;
}

/**
 * Refuses what no local target can run, before anything starts: a service binding to another worker (the harness
 * runs one worker), a Durable Object class of another script, a deploy binding the wrangler file does not declare.
 */
export function assertRunnable(subject: SubjectDescription): void {
  workflowBindingOf(subject);
  const deploy = subject.adapter.deploy;
  subject.services.forEach((service, index) => {
    if (deploy.kind === "service" && service.binding === deploy.binding) return;
    throw new SubjectError(
      `${where(subject)}: services[${index}] (binding "${service.binding}" → service "${service.service}"): the harness runs one worker, so a service binding to another worker cannot be resolved`,
      deploy.kind === "service"
        ? `if it serves tenant code, name it in dwc.config.json: "adapter": { "deploy": { "service": "${service.binding}" } }; otherwise remove it from the wrangler file the harness reads`
        : "remove it from the wrangler file the harness reads (a test-only wrangler file is fine)",
    );
  });
  subject.durableObjects.forEach((object, index) => {
    if (object.scriptName === undefined) return;
    throw new SubjectError(
      `${where(subject)}: durable_objects.bindings[${index}] (binding "${object.binding}"): class "${object.className}" lives in script "${object.scriptName}", which the harness does not run`,
      "only the dispatcher's own Durable Object classes can run: drop script_name or the binding",
    );
  });
  if (deploy.kind === "kv" && !subject.kvNamespaces.some((kv) => kv.binding === deploy.binding))
    throw missingDeployBinding(subject, "kv_namespaces", deploy.binding);
  if (deploy.kind === "r2" && !subject.r2Buckets.some((r2) => r2.binding === deploy.binding))
    throw missingDeployBinding(subject, "r2_buckets", deploy.binding);
}

function missingDeployBinding(subject: SubjectDescription, field: string, binding: string): SubjectError {
  return new SubjectError(
    `dwc.config.json: adapter.deploy: binding "${binding}" is not in ${where(subject)}'s ${field}`,
    `add it to ${field} in the wrangler file, or name one that is there`,
  );
}

function where(subject: SubjectDescription): string {
  return (subject.wranglerFile && shownFile(subject.wranglerFile)) ?? "the reference subject";
}

/** The service binding handler that serves the registry, when the adapter deploys through a service binding. */
function deployServices(
  subject: SubjectDescription,
  tenants: TenantRegistry,
): Record<string, (request: Request) => Response | Promise<Response>> {
  const { deploy, workflowClass } = subject.adapter;
  if (deploy.kind !== "service") return {};
  if (workflowClass === "TenantWorkflow" && subject.adapter.tenantBinding === "WORKFLOWS")
    return { [deploy.binding]: tenants.handle };
  const serve = async (request: Request) => {
    const response = tenants.handle(request);
    if (!response.ok) return response;
    return Response.json(forSubject((await response.json()) as TenantBundle, subject.adapter));
  };
  return { [deploy.binding]: serve };
}

/**
 * Emulator options for the subject. Bindings the emulator may not have (KV, R2, Durable Objects) go in under
 * Miniflare's option names; an emulator without them refuses the option, and the emulator target turns that into
 * an error naming the binding (emulator-target.ts).
 */
export function emulatorTopology(
  tenants: TenantRegistry,
  extra: Partial<EmulatorOptions> = {},
  subject: SubjectDescription = referenceSubject(),
): EmulatorOptions {
  const options: Record<string, unknown> = {
    scriptPath: subject.main,
    modules: true,
    compatibilityDate: subject.compatibilityDate,
    compatibilityFlags: [...subject.compatibilityFlags],
    workflows: Object.fromEntries(subject.workflows.map((w) => [w.binding, { name: w.name, className: w.className }])),
    workerLoaders: Object.fromEntries(subject.workerLoaders.map((binding) => [binding, {}])),
    serviceBindings: deployServices(subject, tenants),
    log: false,
  };
  if (Object.keys(subject.vars).length > 0) options.bindings = { ...subject.vars };
  Object.assign(options, storageBindings(subject));
  return { ...(options as EmulatorOptions), ...extra };
}

/** KV, R2 and Durable Objects in Miniflare's option shapes (only those the subject declares). */
function storageBindings(subject: SubjectDescription): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (subject.kvNamespaces.length > 0)
    options.kvNamespaces = Object.fromEntries(subject.kvNamespaces.map((kv) => [kv.binding, kv.id]));
  if (subject.r2Buckets.length > 0)
    options.r2Buckets = Object.fromEntries(subject.r2Buckets.map((r2) => [r2.binding, r2.bucketName]));
  if (subject.durableObjects.length > 0)
    options.durableObjects = Object.fromEntries(
      subject.durableObjects.map((d) => [d.binding, { className: d.className, useSQLite: d.sqlite }]),
    );
  return options;
}

/** Which wrangler field and type each storage option stands for: the refusal names them. */
export const STORAGE_OPTION_FIELDS: Record<string, { field: string; type: string }> = {
  kvNamespaces: { field: "kv_namespaces", type: "Workers KV namespace" },
  r2Buckets: { field: "r2_buckets", type: "R2 bucket" },
  durableObjects: { field: "durable_objects", type: "Durable Object namespace" },
};

/**
 * Miniflare options for a bundled dispatcher with the same topology. The deploy service answers with miniflare's
 * own Response class (it has its own fetch classes), hence the copy. `persist` keeps KV, R2 and Durable Object data
 * across a restart (a crash keeps stored data).
 */
export function miniflareTopology(
  script: string,
  tenants: TenantRegistry,
  subject: SubjectDescription = referenceSubject(),
  persist?: string,
) {
  const services = Object.fromEntries(
    Object.entries(deployServices(subject, tenants)).map(([binding, handle]) => [
      binding,
      async (request: { url: string }) => {
        const response = await handle(new Request(request.url));
        return new Response(await response.text(), {
          status: response.status,
          headers: { "content-type": "application/json" },
        }) as never;
      },
    ]),
  );
  return {
    modules: [{ type: "ESModule" as const, path: "dispatcher.js", contents: script }],
    compatibilityDate: subject.compatibilityDate,
    compatibilityFlags: [...subject.compatibilityFlags],
    // The workflow engine reads its own flags (workflows_preserve_non_retryable_error_message): wrangler dev passes
    // the worker's compatibility flags to each workflow, so the harness does the same.
    workflows: Object.fromEntries(
      subject.workflows.map((w) => [
        w.binding,
        { name: w.name, className: w.className, compatibilityFlags: [...w.compatibilityFlags] },
      ]),
    ),
    workerLoaders: Object.fromEntries(subject.workerLoaders.map((binding) => [binding, {}])),
    serviceBindings: services,
    bindings: { ...subject.vars } as Record<string, never>,
    ...storageBindings(subject),
    ...(subject.unboundDurableObjects?.length
      ? {
          additionalUnboundDurableObjects: subject.unboundDurableObjects.map((d) => ({
            className: d.className,
            useSQLite: d.sqlite,
          })),
        }
      : {}),
    ...(persist ? { kvPersist: persist, r2Persist: persist, durableObjectsPersist: persist } : {}),
  };
}
