/**
 * The preflight (cli/preflight.ts, `dwc check`) on broken subjects: each failure names the step (the part of the
 * contract), what was expected, what came back, and the fix — and the target is disposed whatever failed. Subjects
 * are copies of fixtures/subjects/ with one thing broken; they run on the emulator's production profile.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../cli/config/load-config.ts";
import { preflight, type PreflightStep } from "../../../cli/preflight.ts";
import { subjectFor } from "../../../cli/subject.ts";
import type { SubjectDescription } from "../../../contract/subject.ts";
import type { RunningTarget, Target } from "../../../contract/target.ts";
import { EmulatorTarget } from "../../../targets/emulator-target.ts";
import { ROOT } from "../../support/run-cli.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(ROOT, ".dwc-preflight-"));
  await cp(join(ROOT, "fixtures/subjects"), dir, { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let copies = 0;
/** The subject `name` (a fresh copy of it when `edit` changes its files). */
async function subject(name: string, edit: Record<string, (text: string) => string> = {}): Promise<SubjectDescription> {
  if (Object.keys(edit).length > 0) {
    const copy = `${name}-${++copies}`;
    await cp(join(dir, name), join(dir, copy), { recursive: true });
    name = copy;
  }
  for (const [file, change] of Object.entries(edit)) {
    const path = join(dir, name, file);
    await writeFile(path, change(await readFile(path, "utf8")));
  }
  return subjectFor(loadConfig(join(dir, name, "dwc.config.json")));
}

const check = (s: SubjectDescription) => preflight(new EmulatorTarget("production", { subject: s }), s);
const failed = (steps: PreflightStep[]) => steps.find((s) => !s.ok);

describe("the preflight", () => {
  it("passes every step for a path-routed dispatcher with its own wrangler.jsonc", async () => {
    const steps = await check(await subject("path-routed"));
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ["exports", true],
      ["bindings", true],
      ["deploy", true],
      ["route", true],
      ["create", true],
      ["metadata", true],
    ]);
    expect(steps.at(-1)!.summary).toContain('metadata {"tenantId":"dwc-preflight","codeVersion":"v1"}');
  });

  it("wrong route: the adapter says header, the dispatcher routes by path → route fails with the status and body", async () => {
    const s = await subject("path-routed");
    const steps = await check({ ...s, adapter: { ...s.adapter, tenant: { kind: "header", name: "x-tenant-id" } } });
    expect(failed(steps)).toMatchObject({
      step: "route",
      expected: expect.stringContaining('by the "x-tenant-id" header → HTTP 200'),
      got: "HTTP 404 not found: expected /t/<tenant>/…",
      fix: expect.stringContaining("set adapter.tenant in dwc.config.json"),
    });
  });

  it("missing export: a class_name the dispatcher does not export → exports fails naming the field and the exports", async () => {
    const steps = await check(
      await subject("path-routed", { "wrangler.jsonc": (t) => t.replace('"PlatformWorkflow"', '"PlatformWorkflo"') }),
    );
    expect(failed(steps)).toMatchObject({ step: "exports" });
    expect(failed(steps)!.summary).toMatch(
      /wrangler\.jsonc: workflows\[0\]\.class_name: "PlatformWorkflo" is not exported by .*src\/index\.ts \(it exports: DynamicWorkflowBinding, PlatformWorkflow, default\)/,
    );
    expect(failed(steps)!.fix).toContain("export { PlatformWorkflo }");
  });

  it("missing binding: the KV namespace the adapter deploys to is not in the wrangler file → bindings fails naming it", async () => {
    const steps = await check(
      await subject("kv-pinned", { "wrangler.jsonc": (t) => t.replace(/\n\s*"kv_namespaces": \[[^\n]*\]/, "") }),
    );
    expect(failed(steps)).toMatchObject({
      step: "bindings",
      summary: expect.stringMatching(/adapter\.deploy: binding "SITES" is not in .*wrangler\.jsonc's kv_namespaces$/),
      fix: "add it to kv_namespaces in the wrangler file, or name one that is there",
    });
  });

  it("the KV-backed subject passes every step now that the emulator has Workers KV", async () => {
    const steps = await check(await subject("kv-pinned"));
    expect(steps.map((s) => s.ok)).toEqual([true, true, true, true, true, true]);
  });

  it("an adapter module that throws, or returns no Request, fails the route step naming the module", async () => {
    const s = await subject("path-routed");
    const throwing = join(dir, "throws.mjs");
    const wrong = join(dir, "wrong.mjs");
    await writeFile(throwing, 'export default () => { throw new Error("no tenant map"); };\n');
    await writeFile(wrong, 'export default (tenant) => "/t/" + tenant;\n');
    const thrown = failed(await check({ ...s, adapter: { ...s.adapter, tenant: { kind: "module", path: throwing } } }));
    expect(thrown).toMatchObject({ step: "route" });
    expect(thrown!.summary).toMatch(
      /adapter\.tenant\.module: .*throws\.mjs threw for tenant "dwc-preflight" .*: no tenant map/,
    );
    const returned = failed(await check({ ...s, adapter: { ...s.adapter, tenant: { kind: "module", path: wrong } } }));
    expect(returned).toMatchObject({ step: "route", fix: expect.stringContaining("return new Request(url, request)") });
    expect(returned!.summary).toMatch(/wrong\.mjs returned string for tenant "dwc-preflight", not a Request/);
  });

  it("a workflow class the tenant code is loaded by but the adapter does not name → metadata fails with the fix", async () => {
    const s = await subject("path-routed");
    const steps = await check({ ...s, adapter: { ...s.adapter, workflowClass: "TenantWorkflow" } });
    expect(failed(steps)).toMatchObject({
      step: "metadata",
      fix: expect.stringContaining('return getEntrypoint("TenantWorkflow")'),
    });
    expect(failed(steps)!.got).toMatch(/"status":"errored"/);
  });

  it("disposes the target whatever step failed: nothing is left running", async () => {
    let disposed = 0;
    const running = {
      request: async () => ({ status: 404, body: "no route" }),
      dispose: async () => {
        disposed++;
      },
    } as unknown as RunningTarget;
    const target = { name: "fake", start: async () => running } as unknown as Target;
    const steps = await preflight(target, undefined);
    expect(failed(steps)).toMatchObject({ step: "route", got: "HTTP 404 no route" });
    expect(disposed).toBe(1);
  });
});
