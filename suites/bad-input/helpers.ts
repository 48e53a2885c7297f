/**
 * What the bad-input cases share (suites/bad-input/cases.ts): the bystander instance of another tenant, the
 * observations docs/bad-input.md is written from, and the checks on an error's text.
 */
import assert from "node:assert/strict";
import { isTerminal } from "../../contract/emulator-surface.ts";
import type { InstanceView, RunningTarget, TargetResponse } from "../../contract/target.ts";
import type { TenantBundle } from "../../contract/tenant-registry.ts";
import { assertOwnTenant, outputOf, reply, type Action, type Marker, type ProbeOutput } from "../probe.ts";

// ------------------------------------------------------------------------------------------------ observations

export interface SeenError {
  target: string;
  caseId: string;
  /** What was sent, in a few words. */
  input: string;
  /** The error text the tenant, the caller or the instance status saw ("" when the input was accepted). */
  error: string;
  /** How the target answered: refused / accepted / errored / caught / http <status>. */
  outcome: string;
}

/** What every case saw, in order (for docs/bad-input.md; no case reads it). */
export const OBSERVED: SeenError[] = [];

export function observe(t: RunningTarget, caseId: string, input: string, outcome: string, error: string): void {
  OBSERVED.push({ target: t.name, caseId, input, outcome, error });
}

// ------------------------------------------------------------------------------------------------ helpers

const BYSTANDER_TENANT = "globex";
const BYSTANDER_PLAN: Action[] = [{ do: "before" }, { sleep: "nap", duration: 300 }, { do: "after" }];

/**
 * Starts the bystander (globex: do → sleep 300 ms → do) and lets 100 ms pass, so it is mid-sleep when the bad
 * input arrives. Returns the check to run after `settle()`: it completed, with both markers, its own tenant's.
 */
export async function startBystander(t: RunningTarget): Promise<() => Promise<void>> {
  const id = await t.create(BYSTANDER_TENANT, { plan: BYSTANDER_PLAN });
  await t.advance(100);
  const mid = await t.status(BYSTANDER_TENANT, id);
  assert.ok(
    !isTerminal(mid.status) && mid.status !== "paused",
    `the bystander should be mid-flight when the bad input arrives, got ${mid.status}`,
  );
  return async () => {
    const output = await outputOf(t, BYSTANDER_TENANT, id);
    assertOwnTenant(output, BYSTANDER_TENANT);
    assert.deepEqual(
      output.markers.map((m) => [m.step, m.attempt]),
      [
        ["before", 1],
        ["after", 1],
      ],
      "the bystander lost or re-ran a step",
    );
  };
}

/** The error text of a refused request: the tenant's `{error: {message}}`, or the body a crashed worker answered. */
export function errorText(response: TargetResponse): string {
  const message = reply(response).error?.message;
  if (typeof message === "string") return message;
  return typeof response.body === "string" ? response.body : JSON.stringify(response.body);
}

/** "name: message" of an error a status or a caught marker shows ("Error" is left out: RPC turns most names into it). */
export function described(error: { name?: string; message?: string } | null | undefined): string {
  if (!error) return String(error);
  const message = String(error.message);
  return error.name && error.name !== "Error" && !message.startsWith(`${error.name}:`)
    ? `${error.name}: ${message}`
    : message;
}

export function assertMentions(text: string, patterns: readonly RegExp[], what: string): void {
  for (const pattern of patterns)
    assert.match(text, pattern, `${what}: the error does not say ${pattern}: ${JSON.stringify(text)}`);
}

/** A create through the tenant's API that may be refused: the id, or the refusal's error text. */
export async function tryCreate(
  t: RunningTarget,
  tenant: string,
  params: unknown,
  id?: string,
): Promise<{ id: string } | { refused: string }> {
  try {
    return { id: await t.create(tenant, params, id) };
  } catch (error) {
    // "create for tenant … failed: HTTP <status> <body>": keep the tenant's error message when the body has one.
    const message = (error as Error).message;
    const body = /HTTP \d+ (.*)$/s.exec(message)?.[1];
    try {
      const parsed = body === undefined ? undefined : JSON.parse(body);
      if (typeof parsed?.error?.message === "string") return { refused: parsed.error.message };
    } catch {
      // not JSON: keep the whole message
    }
    return { refused: message };
  }
}

export function uniqueId(prefix: string): string {
  // Ids outlive a run on a real deployment: never reuse one.
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** The steps a status shows as committed when the instance has no output: only the local engine lists them (§E.6). */
export function committedSteps(view: InstanceView): string[] | undefined {
  const outputs = view.__LOCAL_DEV_STEP_OUTPUTS;
  if (!Array.isArray(outputs)) return undefined;
  return outputs.filter((o): o is Marker => typeof o === "object" && o !== null && "step" in o).map((m) => m.step);
}

/**
 * A plan `first → <bad action> → last` for acme. The bad action must be refused: either the instance ends errored
 * with a message matching `patterns`, or the tenant catches the error (the marker's `caught`) and goes on. Either
 * way the committed "first" step is not lost: in the output when the tenant caught it, in the local engine's step
 * outputs when it errored (production's status() shows no output for an errored instance).
 */
export async function badStep(
  t: RunningTarget,
  caseId: string,
  input: string,
  bad: Action,
  patterns: readonly RegExp[],
): Promise<void> {
  const bystander = await startBystander(t);
  const id = await t.create("acme", { plan: [{ do: "first" }, bad, { do: "last" }] });
  await t.settle();
  const view = await t.status("acme", id);
  const name = "do" in bad ? bad.do : "sleep" in bad ? bad.sleep : bad.wait;
  if (view.status === "errored") {
    const message = described(view.error);
    observe(t, caseId, input, "errored", message);
    assertMentions(message, patterns, input);
    const committed = committedSteps(view);
    if (committed) assert.deepEqual(committed, ["first"], "the committed step is lost from the errored instance");
  } else {
    assert.equal(view.status, "complete", `instance ${id}: expected errored or complete, got ${view.status}`);
    const output = view.output as ProbeOutput;
    assertOwnTenant(output, "acme");
    const caught = output.markers.find((m) => m.step === name)?.caught;
    observe(t, caseId, input, caught ? "caught" : "accepted", caught ? described(caught) : "");
    assert.ok(
      caught,
      `${input} was accepted silently: the instance completed with steps ${JSON.stringify(output.markers.map((m) => m.step))} and no error`,
    );
    assertMentions(described(caught), patterns, input);
    assert.deepEqual(
      output.markers.map((m) => [m.step, m.attempt ?? "caught"]),
      [
        ["first", 1],
        [name, "caught"],
        ["last", 1],
      ],
    );
  }
  await bystander();
}

export function tenantModule(source: string): TenantBundle {
  return {
    codeVersion: "broken",
    compatibilityDate: "2026-01-01",
    mainModule: "index.js",
    modules: { "index.js": source },
  };
}

/** Tenant code that fails to parse. */
export const SYNTAX_ERROR = tenantModule("export default { fetch( {");
/** Tenant code that throws while its module is evaluated. */
export const THROWS_AT_TOP_LEVEL = tenantModule('throw new Error("tenant top-level failure");\nexport default {};');

/**
 * A case that swaps tenant code must run on a target that serves the harness's registry. The remote target does
 * not (a deployment serves its own TENANTS): say so instead of failing on an unrelated assertion. When the registry
 * served other tenants but never this one, the target is not to blame: the dispatcher handed this tenant an isolate
 * already loaded with another tenant's code (its loader id is not unique per tenant), so the cause is named.
 */
export function assertRegistryServed(t: RunningTarget, tenant: string): void {
  if (!t.tenants.reaches(tenant)) {
    const shared = sharedIsolateCause(t, tenant);
    if (shared) throw new Error(shared);
    throw new Error(
      `this target did not fetch tenant "${tenant}" from the harness's tenant registry (a deployment serves its own TENANTS), so a case cannot change a tenant's code on it`,
    );
  }
}

/**
 * Why `tenant` was answered without its code being fetched, when the registry did serve other tenants: the
 * dispatcher gave it an isolate loaded with another tenant's code. Undefined when the registry served nobody (the
 * remote target serves its own tenants) or did serve this tenant.
 */
export function sharedIsolateCause(t: RunningTarget, tenant: string): string | undefined {
  if (t.tenants.reaches(tenant)) return undefined;
  const fetched = [...t.tenants.fetches.keys()].filter((other) => other !== tenant && t.tenants.reaches(other));
  if (fetched.length === 0) return undefined;
  return `two tenants got the same isolate: tenant "${tenant}" was served without its code ever being fetched, while ${fetched.map((f) => `"${f}"`).join(", ")} ${fetched.length === 1 ? "was" : "were"} fetched from the harness's tenant registry. The dispatcher's Worker Loader id is not unique per tenant, so the loader returned a warm isolate running another tenant's code: build the loader id from the full, unchanged tenant id (plus its code version).`;
}

/** A request to a tenant whose code cannot load: it must fail naming the problem; other tenants keep working. */
export async function brokenTenant(
  t: RunningTarget,
  caseId: string,
  input: string,
  code: TenantBundle,
  patterns: readonly RegExp[],
): Promise<void> {
  const bystander = await startBystander(t);
  // initech has not been loaded yet in this run: its first load gets the broken code.
  t.tenants.set("initech", code);
  const response = await t.request("initech", "/workflows", { body: { params: { plan: [{ do: "never" }] } } });
  assertRegistryServed(t, "initech");
  const text = errorText(response);
  observe(t, caseId, input, `http ${response.status}`, text);
  assert.notEqual(response.status, 200, `a request to a tenant whose code cannot load succeeded: ${text}`);
  assertMentions(text, patterns, input);
  // Other tenants keep working: a new instance of acme runs, the bystander finishes.
  const other = await t.create("acme", { plan: [{ do: "still-works" }] });
  await t.settle();
  const output = await outputOf(t, "acme", other);
  assertOwnTenant(output, "acme");
  assert.deepEqual(
    output.markers.map((m) => m.step),
    ["still-works"],
  );
  await bystander();
}
