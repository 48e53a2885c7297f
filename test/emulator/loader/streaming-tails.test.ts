/**
 * WL-14: `allowExperimental` and `streamingTails` are refused unless the dispatcher has the `experimental`
 * compatibility flag; with it, a streaming tail's `tailStream()` handler receives the dynamic worker's console output
 * (the pattern of the library's own example app, which forwards a tenant's logs to a Durable Object).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Emulator } from "../../../emulator/index.ts";

const DISPATCHER = `
  import { WorkerEntrypoint, exports } from "cloudflare:workers";
  globalThis.received = [];
  export class Tail extends WorkerEntrypoint {
    tailStream(onset) {
      globalThis.received.push({ onset: onset.event.type, props: this.ctx.props });
      return { log: (ev) => { globalThis.received.push({ level: ev.event.level, message: ev.event.message, at: ev.timestamp.getTime() }); } };
    }
  }
  const TENANT = "export default { fetch() { console.log('hello', { n: 1 }); console.warn('careful'); return new Response('ok'); } }";
  export default {
    async fetch(request, env) {
      if (new URL(request.url).pathname === "/received") return Response.json(globalThis.received);
      try {
        const stub = env.LOADER.get("t", () => ({
          compatibilityDate: "2026-01-28", mainModule: "index.js", modules: { "index.js": TENANT },
          allowExperimental: true, streamingTails: [exports.Tail({ props: { runId: "r1" } })],
        }));
        return await stub.getEntrypoint().fetch("http://tenant/");
      } catch (error) {
        return new Response(error.message, { status: 500 });
      }
    },
  };`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

/** `hostLog: true` leaves out the log option (the default: the host console prints worker output). */
function start(compatibilityFlags: string[], { hostLog = false } = {}) {
  emulator = new Emulator({
    modules: true,
    script: DISPATCHER,
    compatibilityDate: "2026-01-28",
    compatibilityFlags,
    workerLoaders: { LOADER: {} },
    ...(hostLog ? {} : { log: false as const }),
  });
  return emulator;
}

/** What the host console printed while `run` ran (console.* spied and silenced, then restored). */
async function hostConsoleDuring(run: () => Promise<void>): Promise<unknown[][]> {
  const levels = ["log", "info", "warn", "error", "debug"] as const;
  const spies = levels.map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
  try {
    await run();
    return spies.flatMap((spy) => spy.mock.calls);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** The tenant answers through the tail-carrying stub; returns what the tail received. */
async function tenantLogsThroughTail(emu: Emulator): Promise<unknown[]> {
  expect(await (await emu.dispatchFetch("http://dispatcher/")).text()).toBe("ok");
  await emu.time.advance(0);
  return (await (await emu.dispatchFetch("http://dispatcher/received")).json()) as unknown[];
}

describe("streaming tails and allowExperimental (WL-14)", () => {
  it("without the experimental flag, allowExperimental is refused with workerd's text", async () => {
    const response = await start([]).dispatchFetch("http://dispatcher/");
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      "'allowExperimental' is only allowed when the calling worker has the 'experimental' compat flag set.",
    );
  });

  it("with the experimental flag, the tail's tailStream handler receives each console call of the dynamic worker", async () => {
    const emu = start(["experimental"]);
    const response = await emu.dispatchFetch("http://dispatcher/");
    expect(await response.text()).toBe("ok");
    await emu.time.advance(0);
    const received = await (await emu.dispatchFetch("http://dispatcher/received")).json();
    expect(received).toEqual([
      { onset: "onset", props: { runId: "r1" } },
      { level: "log", message: ["hello", { n: 1 }], at: emu.time.now() },
      { level: "warn", message: ["careful"], at: emu.time.now() },
    ]);
  });

  it("log: false silences the tenant's console on the host, and its tail still receives every event", async () => {
    let received: unknown[] = [];
    const printed = await hostConsoleDuring(async () => {
      received = await tenantLogsThroughTail(start(["experimental"]));
    });
    expect(received).toHaveLength(3); // onset, log, warn
    expect(printed).toEqual([]);
  });

  it("without the log option the host console prints the tenant's calls as well (what log: false silences)", async () => {
    let received: unknown[] = [];
    const printed = await hostConsoleDuring(async () => {
      received = await tenantLogsThroughTail(start(["experimental"], { hostLog: true }));
    });
    expect(received).toHaveLength(3);
    expect(printed).toEqual([
      [expect.stringMatching(/^\[.+\]$/), "hello", { n: 1 }],
      [expect.stringMatching(/^\[.+\]$/), "careful"],
    ]);
  });

  it("a tail delivers a workflow's logs to a Durable Object before and after a hibernation; a stub kept with dup() works later (the library's examples/basic shape)", async () => {
    emulator = new Emulator({
      modules: true,
      compatibilityDate: "2026-01-28",
      compatibilityFlags: ["experimental"],
      workerLoaders: { LOADER: {} },
      workflows: { FLOW: { name: "flow", className: "Flow" } },
      log: false,
      script: `
        import { DurableObject, WorkerEntrypoint, WorkflowEntrypoint, exports } from "cloudflare:workers";
        export class Logs extends DurableObject {
          async push(line) { const all = (await this.ctx.storage.get("all")) ?? []; all.push(line); await this.ctx.storage.put("all", all); }
          async subscribe(subscriber) { this.subscriber = subscriber.dup(); }
          async notify() { return this.subscriber.ping(); }
          async all() { return (await this.ctx.storage.get("all")) ?? []; }
        }
        export class Tail extends WorkerEntrypoint {
          tailStream() { const logs = exports.Logs.getByName("run"); return { log: (ev) => logs.push(ev.event.message.join(" ")) }; }
        }
        const TENANT = "import { WorkerEntrypoint } from 'cloudflare:workers'; export class T extends WorkerEntrypoint { say(s) { console.log(s); } }";
        export class Flow extends WorkflowEntrypoint {
          async run(event, step) {
            const tenant = this.env.LOADER.get("t", () => ({ compatibilityDate: "2026-01-28", mainModule: "t.js",
              modules: { "t.js": TENANT }, allowExperimental: true, streamingTails: [exports.Tail({})] })).getEntrypoint("T");
            await step.do("one", async () => { await tenant.say("step one"); });
            await step.sleep("nap", "1 hour");
            await step.do("two", async () => { await tenant.say("step two"); });
          }
        }
        export default {
          async fetch(request) {
            if (new URL(request.url).pathname === "/logs") return Response.json(await exports.Logs.getByName("run").all());
            const { RpcTarget } = await import("cloudflare:workers");
            class Subscriber extends RpcTarget { ping() { return "pong"; } }
            await exports.Logs.getByName("run").subscribe(new Subscriber());
            return new Response(await exports.Logs.getByName("run").notify());
          },
        };`,
    });
    const bindings = await emulator.getBindings<{ FLOW: { create(): Promise<unknown> } }>();
    await bindings.FLOW.create();
    await emulator.runUntilIdle();
    expect(await (await emulator.dispatchFetch("http://dispatcher/logs")).json()).toEqual(["step one", "step two"]);
    // A stub kept with dup() (as the example's LogSession keeps its subscribers) still reaches its target later.
    expect(await (await emulator.dispatchFetch("http://dispatcher/subscribe")).text()).toBe("pong");
  });
});
