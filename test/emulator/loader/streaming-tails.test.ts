/**
 * WL-14: `allowExperimental` and `streamingTails` are refused unless the dispatcher has the `experimental`
 * compatibility flag; with it, a streaming tail's `tailStream()` handler receives the dynamic worker's console output
 * (the pattern of the library's own example app, which forwards a tenant's logs to a Durable Object).
 */
import { afterEach, describe, expect, it } from "vitest";
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

function start(compatibilityFlags: string[]) {
  emulator = new Emulator({
    modules: true,
    script: DISPATCHER,
    compatibilityDate: "2026-01-28",
    compatibilityFlags,
    workerLoaders: { LOADER: {} },
    log: false,
  });
  return emulator;
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
});
