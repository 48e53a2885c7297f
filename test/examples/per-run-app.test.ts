/**
 * examples/per-run-app with a run's real source (examples/per-run-app/runs/release-train.js): posted in a request,
 * run as its own dynamic worker, its console output copied into its RunLog Durable Object by the streaming tail
 * (WL-14), woken from the code the RunLog keeps. On the emulator the playground's way in (POST /runs) and the
 * app's own 30-day log retention workflow (virtual time); on workerd the harness's deploy (PUT /runs/<id>/code)
 * and a short release (no flaky test, a 1-second canary), so the same tail and Durable Object run in workerd.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../cli/config/load-config.ts";
import { preflight } from "../../cli/preflight.ts";
import { subjectFor } from "../../cli/subject.ts";
import type { RunningTarget } from "../../contract/target.ts";
import { TenantRegistry } from "../../contract/tenant-registry.ts";
import { Emulator } from "../../emulator/index.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { emulatorTopology } from "../../targets/topology.ts";
import { WorkerdTarget } from "../../targets/workerd-target.ts";
import { ROOT } from "../support/run-cli.ts";

const DIR = join(ROOT, "examples/per-run-app");
const SOURCE = readFileSync(join(DIR, "runs/release-train.js"), "utf8");
const subject = () => subjectFor(loadConfig(join(DIR, "dwc.config.json")));

interface LogEntry {
  kind: string;
  message: string;
}

let emulator: Emulator | undefined;
let running: RunningTarget | undefined;
afterEach(async () => {
  await emulator?.dispose();
  await running?.dispose();
  emulator = running = undefined;
});

async function call(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await emulator!.dispatchFetch(`http://app${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  expect(response.status, text).toBeLessThan(300);
  return JSON.parse(text);
}

describe("examples/per-run-app on the emulator (production profile)", () => {
  it("POST /runs: the run's code starts its workflow; the tail logs every console line; the log goes after 30 days", async () => {
    emulator = new Emulator({ ...emulatorTopology(new TenantRegistry(), {}, subject()), log: false });
    const { runId, id } = await call("/runs", { body: { source: SOURCE, payload: { service: "api" } } });
    expect(id).toBe(runId);
    // Not runUntilIdle(): the retention workflow's 30-day sleep would carry time past the approval's 1-day timeout.
    await emulator.time.advance(10 * 60_000);
    await call(`/runs/${runId}/${runId}/approve`, { body: { by: "lin" } });
    await emulator.time.advance(3 * 3_600_000); // the 2-hour canary
    expect(await call(`/runs/${runId}/${runId}`)).toMatchObject({
      status: "complete",
      output: { approvedBy: "lin", tests: { attempts: 2 }, promoted: `api-${runId.slice(0, 8)}.tar` },
    });
    const log = ((await call(`/runs/${runId}/logs`)) as LogEntry[]).map((e) => `${e.kind} ${e.message}`);
    expect(log).toEqual(
      expect.arrayContaining([
        "deploy code 1 deployed",
        "wake workflow step loaded the run's code",
        "log log: building api",
        "log log: test attempt 1",
        "log log: test attempt 2",
        "log log: approved by lin",
        `log log: promoting api-${runId.slice(0, 8)}.tar`,
      ]),
    );
    // The app's own workflow (the first in wrangler.jsonc, not the one the harness drives) forgets the log.
    await emulator.runUntilIdle();
    expect(await call(`/runs/${runId}/logs`)).toEqual([]);
  });
});

describe("examples/per-run-app: a deploy the dispatcher refuses stops the preflight at its deploy step", () => {
  it("adapter.deploy.request pointing at a route the app does not have: the status, the body and the fix", async () => {
    const shipped = subject();
    const wrong = {
      ...shipped,
      adapter: {
        ...shipped.adapter,
        deploy: { kind: "request" as const, method: "PUT", path: "/runs/:tenant/source" },
      },
    };
    const steps = await preflight(new EmulatorTarget("production", { subject: wrong }), wrong);
    expect(steps.map((s) => `${s.step} ${s.ok}`)).toEqual(["exports true", "bindings true", "deploy false"]);
    expect(steps[2]).toMatchObject({
      summary:
        'deploying tenant "dwc-preflight" by PUT /runs/dwc-preflight/source: the dispatcher answered HTTP 404 no code posted for run "dwc-preflight"',
      fix: expect.stringContaining("fix adapter.deploy.request in dwc.config.json"),
    });
  });
});

describe("examples/per-run-app on workerd", () => {
  it("a run deployed by PUT /runs/<id>/code: its workflow completes and the streaming tail fills its RunLog", async () => {
    const tenants = new TenantRegistry({
      "release-7": {
        codeVersion: "1",
        compatibilityDate: "2026-01-28",
        mainModule: "index.js",
        modules: { "index.js": SOURCE },
      },
    });
    running = await new WorkerdTarget({ subject: subject() }).start(tenants);
    const payload = { service: "web", flakyTests: 0, canary: "1 second" };
    const started = await running.request("release-7", "/start", { body: { id: "release-7", payload } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await running.settle({ timeoutMs: 10_000 }); // blocked on the approval: settled
    expect((await running.request("release-7", "/release-7/approve", { body: { by: "kai" } })).status).toBe(200);
    let view: { status?: string; output?: unknown } = {};
    for (let i = 0; i < 60 && view.status !== "complete"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      view = (await running.request("release-7", "/release-7")).body as typeof view;
    }
    expect(view).toMatchObject({ status: "complete", output: { approvedBy: "kai", promoted: "web-release-.tar" } });
    const log = ((await running.request("release-7", "/logs")).body as LogEntry[]).map((e) => e.message);
    expect(log).toEqual(expect.arrayContaining(["log: building web", "log: approved by kai"]));
  }, 60_000);
});
