/**
 * A per-run app: a run is a piece of workflow source posted in a request, run once as its own dynamic worker.
 *
 *   POST /runs                  { source, payload? } → a new run: its id, its code stored, its workflow started
 *                               (the run's worker gets POST /start { id, payload } and creates the instance itself)
 *   PUT  /runs/<runId>/code     { codeVersion, compatibilityDate, mainModule, modules } → (re)deploys a run's code
 *   GET  /runs/<runId>/logs     the run's log: deploys, wakes, and its console output (a streaming tail)
 *   *    /runs/<runId>/<rest>   → the run's worker, as /<rest>
 *
 * Per run: a loader id (run + code version), a RunLog Durable Object reached through `exports` (no binding), and
 * `env.WORKFLOWS` wrapped with `{ runId }` — the engine wakes an instance with that metadata and RunWorkflow loads
 * that run's latest code from its RunLog.
 */
import { exports } from "cloudflare:workers";
import {
  createDynamicWorkflowEntrypoint,
  DynamicWorkflowBinding,
  wrapWorkflowBinding,
  type WorkflowRunner,
} from "@cloudflare/dynamic-workflows";
import { LogRetention } from "./log-retention.ts";
import { type Bundle, RunLog } from "./run-log.ts";
import { RunTail, runLog } from "./run-tail.ts";

export { DynamicWorkflowBinding, LogRetention, RunLog, RunTail };

interface Env {
  RUNS: Workflow;
  RETENTION: Workflow;
  LOADER: WorkerLoader;
}

class NoCode extends Error {}

/** The run's worker, for its current code: a new code version is a new loader id, so it gets a fresh isolate. */
async function runWorker(env: Env, runId: string): Promise<WorkerStub> {
  const bundle = await runLog(runId).code();
  if (!bundle) throw new NoCode(`no code posted for run ${JSON.stringify(runId)}`);
  const tail = (exports as unknown as { RunTail: (init: { props: { runId: string } }) => Fetcher }).RunTail;
  return env.LOADER.get(JSON.stringify([runId, bundle.codeVersion]), async () => ({
    compatibilityDate: bundle.compatibilityDate,
    mainModule: bundle.mainModule,
    modules: bundle.modules,
    env: { WORKFLOWS: wrapWorkflowBinding({ runId }, { bindingName: "RUNS" }) },
    globalOutbound: null,
    allowExperimental: true,
    streamingTails: [tail({ props: { runId } })],
  }));
}

export const RunWorkflow = createDynamicWorkflowEntrypoint<Env>(async ({ env, metadata }) => {
  const runId = metadata.runId;
  if (typeof runId !== "string") throw new Error(`an instance without a run: ${JSON.stringify(metadata)}`);
  await runLog(runId).append([{ at: Date.now(), kind: "wake", message: "workflow step loaded the run's code" }]);
  return (await runWorker(env, runId)).getEntrypoint("TenantWorkflow") as unknown as WorkflowRunner;
});

function isBundle(value: unknown): value is Bundle {
  const b = value as Partial<Bundle> | null;
  return (
    typeof b?.codeVersion === "string" &&
    typeof b.compatibilityDate === "string" &&
    typeof b.mainModule === "string" &&
    typeof b.modules === "object" &&
    b.modules !== null
  );
}

/** POST /runs: the playground's way in — one module of source, a fresh run id, the workflow started at once. */
async function newRun(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { source?: unknown; payload?: unknown } | null;
  if (typeof body?.source !== "string")
    return Response.json({ error: "expected { source, payload? }" }, { status: 400 });
  const runId = crypto.randomUUID();
  await runLog(runId).deploy({
    codeVersion: "1",
    compatibilityDate: "2026-01-28",
    mainModule: "index.js",
    modules: { "index.js": body.source },
  });
  const worker = await runWorker(env, runId);
  const start = { id: runId, payload: body.payload ?? {} };
  const started = await worker
    .getEntrypoint()
    .fetch(new Request("https://run/start", { method: "POST", body: JSON.stringify(start) }));
  if (!started.ok) return Response.json({ runId, error: await started.text() }, { status: 502 });
  ctx.waitUntil(env.RETENTION.create({ id: `retention-${runId}`, params: { runId } }));
  return Response.json({ runId, ...((await started.json()) as object) }, { status: 201 });
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/runs" && request.method === "POST") return newRun(request, env, ctx);
    const match = /^\/runs\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!match) return new Response("not found: POST /runs, or /runs/<runId>/…", { status: 404 });
    const runId = decodeURIComponent(match[1]);
    const rest = match[2] ?? "/";
    if (rest === "/code" && request.method === "PUT") {
      const bundle = await request.json().catch(() => null);
      if (!isBundle(bundle))
        return Response.json(
          { error: "expected { codeVersion, compatibilityDate, mainModule, modules }" },
          { status: 400 },
        );
      await runLog(runId).deploy(bundle);
      return Response.json({ runId, codeVersion: bundle.codeVersion }, { status: 201 });
    }
    if (rest === "/logs" && request.method === "GET") return Response.json(await runLog(runId).entries());
    url.pathname = rest;
    try {
      return await (await runWorker(env, runId)).getEntrypoint().fetch(new Request(url, request));
    } catch (error) {
      if (error instanceof NoCode) return new Response(error.message, { status: 404 });
      return new Response(`run ${JSON.stringify(runId)} failed: ${String(error)}`, { status: 502 });
    }
  },
};
