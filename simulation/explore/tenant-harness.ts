/**
 * The tenant's own code, deployed with a small harness entry module around it (the bundle's new main module). The
 * entry is tenant code, so whatever the dispatcher does, it runs in the isolate the dispatcher loaded for the
 * instance; it
 * - exports the tenant's workflow class as `TenantWorkflow` (the subject's class alias is added by the deploy);
 * - answers the harness's requests through the dispatcher: `create` and `event` through the tenant's wrapped Workflow
 *   binding (`env.WORKFLOWS`, or the subject adapter's `tenantBinding`), `ping` (a neighbour tenant's traffic between wakes);
 * - wraps `run()`'s step object and logs each run() lifetime, each step call and each callback run on the console
 *   with its isolate (the emulator's log hook hears it), so the oracles see every lifetime's call sequence;
 * - notes reads of the clock and of `Math.random()` outside step callbacks (likely causes of a replay difference),
 *   seeds `Math.random()` per isolate (the same seed, the same run), and records outbound `fetch()` without doing it
 *   (a fetch outside a step is a side effect that runs again on every replay).
 * Its source names the tenant and the code version, so its digest (the trace's `loader.getCode` `code`) identifies
 * the code an isolate runs.
 */
import { createHash } from "node:crypto";
import type { TenantBundle } from "../../contract/tenant-registry.ts";

export const HARNESS_MODULE = "__dwc_explore.js";
/** The console marker of the entry's log lines. */
export const MARKER = "\u0000dwc-explore";

export interface CodeIdentity {
  tenant: string;
  codeVersion: string;
}

/** The tenant bundle with the harness entry as its main module. */
export function harnessBundle(
  code: TenantBundle,
  tenant: string,
  className: string,
  seed: number,
  tenantBinding = "WORKFLOWS",
): TenantBundle {
  const identity = JSON.stringify({ tenant, codeVersion: code.codeVersion, className });
  const entry = entrySource(identity, code.mainModule, className, seed, tenantBinding);
  return { ...code, mainModule: HARNESS_MODULE, modules: { ...code.modules, [HARNESS_MODULE]: entry } };
}

/** The digest the emulator records for an isolate whose main module is `bundle`'s (see emulator/trace.ts). */
export function codeDigest(bundle: TenantBundle): string {
  return createHash("sha256").update(bundle.modules[bundle.mainModule]).digest("hex").slice(0, 16);
}

function entrySource(
  identity: string,
  userModule: string,
  className: string,
  seed: number,
  tenantBinding: string,
): string {
  return `// dwc explore harness entry. Code identity: ${identity}
import * as tenantModule from ${JSON.stringify(`./${userModule}`)};
const MARK = ${JSON.stringify(MARKER)};
const note = (entry) => console.log(MARK, JSON.stringify(entry));
const Workflow = tenantModule[${JSON.stringify(className)}];
let inCallback = 0;
let rng = (Math.imul(${seed >>> 0} ^ 0x9e3779b9, 0x85ebca6b) >>> 0) || 1;
Math.random = () => {
  if (inCallback === 0) note({ at: "source", source: "Math.random()" });
  return next() / 4294967296;
};
function next() { rng ^= rng << 13; rng >>>= 0; rng ^= rng >>> 17; rng ^= rng << 5; rng >>>= 0; return rng; }
for (let i = 0; i < 8; i++) next();
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
globalThis.Date = new Proxy(RealDate, {
  construct(target, args, newTarget) {
    if (args.length === 0 && inCallback === 0) note({ at: "source", source: "new Date()" });
    return Reflect.construct(target, args, newTarget === globalThis.Date ? target : newTarget);
  },
  get(target, key) {
    if (key === "now") return () => { if (inCallback === 0) note({ at: "source", source: "Date.now()" }); return realNow(); };
    return Reflect.get(target, key);
  },
});
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  note({ at: "outbound", method: request.method, url: request.url, inStep: inCallback > 0 });
  return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
};
function wrapStep(step) {
  return {
    do(name, ...rest) {
      note({ at: "call", kind: "do", name });
      const callback = rest.pop();
      return step.do(name, ...rest, async (...args) => {
        note({ at: "callback", name });
        inCallback++;
        try { return await callback(...args); } finally { inCallback--; }
      });
    },
    sleep(name, duration) { note({ at: "call", kind: "sleep", name }); return step.sleep(name, duration); },
    sleepUntil(name, when) { note({ at: "call", kind: "sleep", name }); return step.sleepUntil(name, when); },
    waitForEvent(name, options) { note({ at: "call", kind: "waitForEvent", name }); return step.waitForEvent(name, options); },
  };
}
export const TenantWorkflow = typeof Workflow !== "function" ? undefined : class extends Workflow {
  run(event, step) {
    note({ at: "run" });
    return super.run(event, wrapStep(step));
  }
};
export default {
  async fetch(request, env, ctx) {
    const route = new URL(request.url).pathname.split("/__dwc_explore/")[1];
    if (route === undefined) {
      const own = tenantModule.default;
      return typeof own?.fetch === "function" ? own.fetch(request, env, ctx) : new Response("not found", { status: 404 });
    }
    if (route === "ping") return Response.json({ ok: true });
    if (typeof Workflow !== "function")
      return Response.json({ problem: "not-exported", exports: Object.keys(tenantModule) }, { status: 422 });
    const binding = env[${JSON.stringify(tenantBinding)}];
    if (!binding)
      return Response.json({ problem: "no-binding", binding: ${JSON.stringify(tenantBinding)}, env: Object.keys(env) }, { status: 422 });
    const body = await request.json();
    if (route === "create") {
      const instance = await binding.create({ params: body.params });
      return Response.json({ id: await instance.id });
    }
    if (route === "event") {
      const instance = await binding.get(body.id);
      await instance.sendEvent({ type: body.type, payload: body.payload });
      return Response.json({ ok: true });
    }
    return new Response("unknown harness route", { status: 404 });
  },
};
`;
}
