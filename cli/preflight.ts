/**
 * The preflight (`dwc check`, and before `run`, `fuzz` and `compare`): does the subject meet the contract at all?
 * Step by step, each naming the part of the contract it checks; the first failure stops the target's check with
 * what was expected, what came back (status and body) and what to change. The target is always disposed: nothing
 * is left running, whatever failed.
 *
 *   exports      the wrangler file's classes are exported by the dispatcher's main module
 *   bindings     every binding resolves on this target (the target starts)
 *   deploy       a probe tenant's code is deployed where the dispatcher reads it (adapter.deploy)
 *   route        a request addressed to the probe tenant (adapter.tenant) reaches the probe's code
 *   create       the probe creates an instance through its wrapped Workflow binding
 *   metadata     the instance ran the probe's workflow class, loaded by the metadata's owner key
 */
import { hasCapabilities } from "../contract/capabilities.ts";
import { type SubjectDescription, tenantBindingOf, traitsOf } from "../contract/subject.ts";
import type { RunningTarget, Target, TargetResponse } from "../contract/target.ts";
import { probeTenant, TenantRegistry } from "../contract/tenant-registry.ts";
import { SubjectError } from "../targets/subject-error.ts";
import { assertClassesExported } from "../targets/subject-exports.ts";
import { assertRunnable, workflowBindingOf } from "../targets/topology.ts";

export const PREFLIGHT_TENANT = "dwc-preflight";

export interface PreflightStep {
  step: "exports" | "bindings" | "deploy" | "route" | "create" | "metadata";
  ok: boolean;
  /** One line: what was checked (ok) or what failed. */
  summary: string;
  expected?: string;
  got?: string;
  fix?: string;
}

class StepFailed extends Error {
  constructor(readonly result: PreflightStep) {
    super(result.summary);
  }
}

/** Runs the steps on one target; returns them all (the last one failed if any did). */
export async function preflight(target: Target, subject: SubjectDescription | undefined): Promise<PreflightStep[]> {
  const steps: PreflightStep[] = [];
  const pass = (step: PreflightStep["step"], summary: string) => steps.push({ step, ok: true, summary });
  let running: RunningTarget | undefined;
  try {
    if (subject) {
      await asStep("exports", () => assertClassesExported(subject));
      pass(
        "exports",
        `the dispatcher exports ${[...subject.workflows, ...subject.durableObjects].map((c) => c.className).join(", ")}`,
      );
      await asStep("bindings", async () => assertRunnable(subject));
    }
    const tenants = new TenantRegistry();
    running = await asStep("bindings", () => target.start(tenants));
    if (subject) pass("bindings", `bindings resolve on ${target.name}: ${bindingList(subject)}`);
    else pass("bindings", `${target.name} started`);

    tenants.set(PREFLIGHT_TENANT, probeTenant(PREFLIGHT_TENANT));
    const state = await asStep("deploy", () => running!.request(PREFLIGHT_TENANT, "/state"));
    pass("deploy", `probe tenant "${PREFLIGHT_TENANT}" deployed (${deployText(subject)})`);

    if (state.status !== 200 || (state.body as { tenant?: unknown } | null)?.tenant !== PREFLIGHT_TENANT) {
      fail("route", `a request for tenant "${PREFLIGHT_TENANT}" did not reach its code through the dispatcher`, {
        expected: `GET /state addressed ${tenantText(subject)} → HTTP 200 {"tenant":"${PREFLIGHT_TENANT}",…} from the probe tenant`,
        got: responseText(state),
        fix: `route requests ${tenantText(subject)} to that tenant's worker (LOADER.get(…).getEntrypoint().fetch(request)), or set adapter.tenant in dwc.config.json to the way your dispatcher reads the tenant`,
      });
    }
    pass("route", `GET /state for "${PREFLIGHT_TENANT}" (${tenantText(subject)}) reached the probe: HTTP 200`);

    const created = await running.request(PREFLIGHT_TENANT, "/workflows", {
      body: { params: { plan: [{ do: "preflight" }] } },
    });
    const id = (created.body as { id?: unknown } | null)?.id;
    if (created.status !== 200 || typeof id !== "string") {
      const env = tenantBindingOf(traitsOf(subject?.adapter));
      fail("create", `the probe could not create an instance through its ${env}`, {
        expected: `POST /workflows → HTTP 200 {"id":"…"} (the tenant calls ${env}.create())`,
        got: responseText(created),
        fix: `give each tenant ${env} = wrapWorkflowBinding({ ${ownerKey(subject)}: <tenant id> }${bindingOption(subject)}) in the WorkerCode's env`,
      });
    }
    pass("create", `the probe created instance ${id} through its wrapped binding`);

    await running.settle({ timeoutMs: 30_000 });
    const view = await running.request(PREFLIGHT_TENANT, `/workflows/${encodeURIComponent(id as string)}`);
    const output = (view.body as { output?: { tenant?: unknown } } | null)?.output;
    const status = (view.body as { status?: unknown } | null)?.status;
    const metadata = await metadataOf(running, id as string);
    const owner = ownerKey(subject);
    if (
      status !== "complete" ||
      output?.tenant !== PREFLIGHT_TENANT ||
      (metadata && metadata[owner] !== PREFLIGHT_TENANT)
    ) {
      fail("metadata", "the instance did not run the probe's workflow for its owner", {
        expected: `status "complete", output.tenant "${PREFLIGHT_TENANT}"${metadata ? `, metadata { ${owner}: "${PREFLIGHT_TENANT}" }` : ""}`,
        got: `${responseText(view)}${metadata ? `; metadata ${JSON.stringify(metadata)}` : ""}`,
        fix: `in createDynamicWorkflowEntrypoint, load the tenant named by metadata.${owner} and return getEntrypoint("${subject?.adapter.workflowClass ?? "TenantWorkflow"}"); or set adapter.ownerKey / adapter.workflowClass in dwc.config.json`,
      });
    }
    pass(
      "metadata",
      `instance ${id} completed with the probe's output${metadata ? `, metadata ${JSON.stringify(metadata)}` : ""}`,
    );
  } catch (error) {
    if (error instanceof SubjectError) steps.push({ step: "route", ok: false, summary: error.problem, fix: error.fix });
    else if (error instanceof StepFailed) steps.push(error.result);
    else throw error;
  } finally {
    await running?.dispose();
  }
  return steps;

  function fail(
    step: PreflightStep["step"],
    summary: string,
    detail: Omit<PreflightStep, "step" | "ok" | "summary">,
  ): never {
    throw new StepFailed({ step, ok: false, summary, ...detail });
  }

  /** Runs `work`; a SubjectError (or any start failure) becomes this step's failure. */
  async function asStep<T>(step: PreflightStep["step"], work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StepFailed) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof SubjectError)
        fail(error.problem.includes("adapter.tenant") ? "route" : step, error.problem, { fix: error.fix });
      fail(step, message.split("\n")[0], { got: message, fix: FIXES[step] });
    }
  }
}

const FIXES: Record<PreflightStep["step"], string> = {
  exports: "export every class the wrangler file names from the dispatcher's main module",
  bindings: "check the wrangler file's bindings and the dispatcher's module (it must start on this target)",
  deploy: "check adapter.deploy in dwc.config.json against the wrangler file",
  route: "check adapter.tenant",
  create: "check the wrapped Workflow binding the tenant gets (adapter.tenantBinding)",
  metadata: "check createDynamicWorkflowEntrypoint",
};

/** The library's envelope on the emulator (introspection): `params.__dispatcherMetadata`; elsewhere unknown. */
async function metadataOf(t: RunningTarget, id: string): Promise<Record<string, unknown> | undefined> {
  if (!hasCapabilities(t, "introspection")) return undefined;
  const instance = (await t.instances()).find((i) => i.id === id);
  const metadata = (instance?.params as { __dispatcherMetadata?: unknown } | undefined)?.__dispatcherMetadata;
  return typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : undefined;
}

function responseText(response: TargetResponse): string {
  const body = typeof response.body === "string" ? response.body : JSON.stringify(response.body);
  return `HTTP ${response.status} ${body.slice(0, 300)}`;
}

/** wrapWorkflowBinding looks for `WORKFLOWS` on the dispatcher's env unless told the binding's name. */
function bindingOption(subject: SubjectDescription | undefined): string {
  const binding = subject ? workflowBindingOf(subject) : "WORKFLOWS";
  return binding === "WORKFLOWS" ? "" : `, { bindingName: "${binding}" }`;
}

function ownerKey(subject: SubjectDescription | undefined): string {
  return subject?.adapter.ownerKey ?? "tenantId";
}

function tenantText(subject: SubjectDescription | undefined): string {
  const tenant = subject?.adapter.tenant ?? { kind: "header", name: "x-tenant-id" };
  switch (tenant.kind) {
    case "header":
      return `by the "${tenant.name}" header`;
    case "path":
      return `by path "${tenant.pattern}/…"`;
    case "host":
      return `by host "${tenant.pattern}"`;
    case "module":
      return `as ${tenant.path} addresses them`;
  }
}

function deployText(subject: SubjectDescription | undefined): string {
  const deploy = subject?.adapter.deploy ?? { kind: "service", binding: "TENANTS" };
  if (deploy.kind === "service") return `served by the harness behind service binding ${deploy.binding}`;
  if (deploy.kind === "request") return `sent to the dispatcher as ${deploy.method} ${deploy.path}`;
  return `written to ${deploy.kind === "kv" ? "KV namespace" : "R2 bucket"} ${deploy.binding} under "${deploy.key}"`;
}

function bindingList(subject: SubjectDescription): string {
  const deploy = subject.adapter.deploy;
  return [
    ...subject.workflows.map((w) => `${w.binding} (workflow ${w.className})`),
    ...subject.workerLoaders.map((b) => `${b} (worker loader)`),
    ...subject.kvNamespaces.map((b) => `${b.binding} (KV)`),
    ...subject.r2Buckets.map((b) => `${b.binding} (R2)`),
    ...subject.durableObjects.map((b) => `${b.binding} (Durable Object ${b.className})`),
    ...Object.keys(subject.vars).map((name) => `${name} (var)`),
    ...(deploy.kind === "service" ? [`${deploy.binding} (service, served by the harness)`] : []),
  ].join(", ");
}

/** The steps as printed: one line each, and for a failure its expected / got / fix. */
export function formatPreflight(targetName: string, steps: readonly PreflightStep[]): string {
  const lines = [`${targetName}:`];
  for (const s of steps) {
    lines.push(`  ${s.ok ? "ok  " : "FAIL"}  ${s.step.padEnd(8)}  ${s.summary}`);
    if (s.expected) lines.push(`            expected: ${s.expected}`);
    if (s.got) lines.push(`            got:      ${s.got.split("\n").join("\n                      ")}`);
    if (s.fix) lines.push(`            fix:      ${s.fix}`);
  }
  return lines.join("\n");
}

export const preflightPassed = (steps: readonly PreflightStep[]): boolean => steps.every((s) => s.ok);
