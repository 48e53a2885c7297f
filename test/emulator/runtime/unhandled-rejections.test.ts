/**
 * Unhandled rejections of worker code (emulator/runtime/unhandled-rejections.ts): as on workerd, a promise rejection
 * that a worker leaves unobserved is logged ("Uncaught (in promise) …") and traced, and the request or instance goes
 * on; it never reaches Node's process-level handling (which would crash the CLI, or fail this vitest run). A host
 * rejection is left to Node exactly as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Emulator } from "../../../emulator/index.ts";
import { rejectionHookInstalled } from "../../../emulator/runtime/unhandled-rejections.ts";
import { traceOf } from "../../support/engine.ts";
import { startLoaderDispatcher, value } from "../../support/loader-dispatcher.ts";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";
import { ROOT, runCli } from "../../support/run-cli.ts";

const PROFILES = ["production", "local"] as const;

const started: Emulator[] = [];
afterEach(async () => {
  for (const emulator of started.splice(0)) await emulator.dispose();
});

interface Logged {
  realm: string;
  level: string;
  args: unknown[];
}

async function start(
  body: string,
  options: Record<string, unknown> = {},
  extra = "",
): Promise<PlainWorkflow & { logged: Logged[] }> {
  const logged: Logged[] = [];
  const plain = await startPlain(
    body,
    { log: (realm, level, args) => logged.push({ realm, level, args }), ...options },
    extra,
  );
  started.push(plain.emulator);
  return { ...plain, logged };
}

/** A step started in parallel and never awaited, which fails at once (no retries). */
const DROPPED_STEP = `const dropped = step.do("dropped", { retries: { limit: 0, delay: 0 } }, async () => { throw new Error("x"); });`;

describe.each(PROFILES)("a workflow that drops a failing step.do (%s)", (profile) => {
  it("is logged and traced as the dispatcher's unhandled rejection, and the instance completes", async () => {
    const { emulator, workflows, logged } = await start(
      `${DROPPED_STEP} await step.sleep("wait", "1 second"); return "done";`,
      { profile },
    );
    const handle = await workflows.create({ id: "i" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "done" });
    const events = traceOf(emulator, "worker.unhandledRejection");
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const event of events)
      expect(event).toMatchObject({ isolate: expect.stringMatching(/^dispatcher#/), message: "Error: x" });
    const uncaught = logged.filter((l) => l.args[0] === "Uncaught (in promise)");
    expect(uncaught).toHaveLength(events.length);
    expect(uncaught[0]).toMatchObject({ realm: events[0].isolate, level: "error" });
    expect(String((uncaught[0].args[1] as Error).message)).toBe("x");
  });

  it("does not change how the instance errors when run() then throws", async () => {
    const { emulator, workflows } = await start(
      `${DROPPED_STEP} await step.sleep("wait", "1 second"); throw new Error("boom");`,
      { profile },
    );
    const handle = await workflows.create({ id: "i" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "errored", error: { name: "Error", message: "boom" } });
    expect(traceOf(emulator, "worker.unhandledRejection").length).toBeGreaterThanOrEqual(1);
  });
});

describe("realm-native promises", () => {
  it("an async function's or Promise.reject's rejection, with any reason, is the realm's", async () => {
    const { emulator, workflows, logged } = await start(`
      (async () => { throw "a string"; })();
      Promise.reject(new TypeError("loose"));
      return await step.do("a", async () => "a");
    `);
    const handle = await workflows.create({ id: "i" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "a" });
    const messages = traceOf(emulator, "worker.unhandledRejection").map((e) => e.message);
    expect(messages).toEqual(expect.arrayContaining(["a string", "TypeError: loose"]));
    expect(logged.filter((l) => l.args[0] === "Uncaught (in promise)").map((l) => l.args[1])).toContain("a string");
  });

  it("a dropped RPC call to a worker entrypoint that throws a primitive is the caller's", async () => {
    const { emulator, workflows } = await start(
      `this.ctx.exports.Thrower().boom(); await step.sleep("wait", "1 second"); return "ok";`,
      {},
      `import { WorkerEntrypoint as Entrypoint } from "cloudflare:workers";
       export class Thrower extends Entrypoint { async boom() { throw "a primitive"; } }`,
    );
    const handle = await workflows.create({ id: "i" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "ok" });
    const events = traceOf(emulator, "worker.unhandledRejection");
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const event of events)
      expect(event).toMatchObject({ isolate: expect.stringMatching(/^dispatcher#/), message: "a primitive" });
  });

  it("a dropped call of a function stub that throws a primitive is the caller's", async () => {
    const { emulator, workflows } = await start(
      `const fn = await this.ctx.exports.Thrower().fn(); fn(); await step.sleep("wait", "1 second"); return "ok";`,
      {},
      `import { WorkerEntrypoint as Entrypoint } from "cloudflare:workers";
       export class Thrower extends Entrypoint { fn() { return () => { throw "from a stub"; }; } }`,
    );
    const handle = await workflows.create({ id: "i" });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: "ok" });
    // Once per run() lifetime that called it (the production profile replays after the sleep).
    const events = traceOf(emulator, "worker.unhandledRejection");
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const event of events)
      expect(event).toMatchObject({ isolate: expect.stringMatching(/^dispatcher#/), message: "from a stub" });
  });

  it("a tenant isolate's rejection is reported with the tenant's label; the request still answers", async () => {
    const tenant = `export default { async fetch() { Promise.reject(new RangeError("tenant loose")); return new Response("fine"); } };`;
    const emulator = await startLoaderDispatcher({
      sources: { t: tenant },
      routes: `async t(env) { return await (await env.LOADER.get("t", () => code("t")).getEntrypoint().fetch("http://t/")).text(); },`,
    });
    started.push(emulator);
    expect(await value(emulator, "t")).toBe("fine");
    await emulator.runUntilIdle();
    const events = traceOf(emulator, "worker.unhandledRejection");
    expect(events).toEqual([
      expect.objectContaining({ isolate: expect.stringMatching(/^t#/), message: "RangeError: tenant loose" }),
    ]);
  });

  it("a rejection handled late raises no rejectionHandled event or warning for the host", async () => {
    const seen: string[] = [];
    const onHandled = () => seen.push("rejectionHandled");
    const onWarning = (w: Error) => seen.push(`warning ${w.name}`);
    process.on("rejectionHandled", onHandled);
    process.on("warning", onWarning);
    try {
      const { emulator, workflows } = await start(
        `
        globalThis.late = Promise.reject(new Error("late"));
        await step.sleep("wait", "1 second");
        await globalThis.late.catch(() => {});
        return "ok";
      `,
        { profile: "local" },
      );
      const handle = await workflows.create({ id: "i" });
      await emulator.runUntilIdle();
      expect(await handle.status()).toMatchObject({ status: "complete", output: "ok" });
      expect(traceOf(emulator, "worker.unhandledRejection").map((e) => e.message)).toContain("Error: late");
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([]);
    } finally {
      process.off("rejectionHandled", onHandled);
      process.off("warning", onWarning);
    }
  });
});

describe("host rejections keep Node's behaviour", () => {
  it("a host promise's rejection still reaches process listeners while an emulator is alive", async () => {
    const { emulator, workflows } = await start(`Promise.reject(new Error("realm")); return 1;`);
    expect(rejectionHookInstalled()).toBe(true);
    const seen: unknown[] = [];
    // A second listener makes vitest treat rejections as handled by us, for the duration of this test only.
    const listener = (reason: unknown) => seen.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const host = new Error("host");
      void Promise.reject(host);
      await workflows.create({ id: "i" });
      await emulator.runUntilIdle();
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual([host]);
      expect(traceOf(emulator, "worker.unhandledRejection").map((e) => e.message)).toEqual(["Error: realm"]);
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("the hook is installed once and removed when the last emulator is disposed, however many come and go", async () => {
    for (const emulator of started.splice(0)) await emulator.dispose();
    await new Promise((resolve) => setImmediate(resolve));
    const emit = process.emit;
    const listeners = process.listenerCount("unhandledRejection");
    expect(rejectionHookInstalled()).toBe(false);
    const batch: Emulator[] = [];
    for (let i = 0; i < 200; i++) {
      const emulator = new Emulator({ script: "export default { fetch() { return new Response('') } }", log: false });
      if (i % 2 === 0) await emulator.dispose();
      else batch.push(emulator);
    }
    expect(rejectionHookInstalled()).toBe(true);
    for (const emulator of batch) await emulator.dispose();
    expect(rejectionHookInstalled()).toBe(true); // until the next turn: rejections already made are still reported
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejectionHookInstalled()).toBe(false);
    expect(process.emit).toBe(emit);
    expect(process.listenerCount("unhandledRejection")).toBe(listeners);
  });
});

describe("as a plain Node script (Node's default --unhandled-rejections=throw)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dwc-unhandled-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const emulatorUrl = pathToFileURL(join(ROOT, "emulator/index.ts")).href;

  function script(name: string, body: string): string {
    const file = join(dir, `${name}.mts`);
    writeFileSync(
      file,
      `import { Emulator } from ${JSON.stringify(emulatorUrl)};
      const emulator = new Emulator({
        script: \`import { WorkflowEntrypoint } from "cloudflare:workers";
          export class Flow extends WorkflowEntrypoint {
            async run(event, step) {
              const dropped = step.do("dropped", { retries: { limit: 0, delay: 0 } }, async () => { throw new Error("worker-boom"); });
              await step.sleep("wait", "1 second");
              return "done";
            }
          }
          export default { fetch() { return new Response("") } };\`,
        workflows: { WORKFLOWS: { name: "flow", className: "Flow" } },
      });
      await emulator.ready;
      const handle = await (await emulator.getBindings()).WORKFLOWS.create({ id: "i" });
      await emulator.runUntilIdle();
      console.log("STATUS", JSON.stringify(await handle.status()));
      ${body}
      `,
    );
    return file;
  }

  it("a worker's unhandled rejection is logged and the script goes on", async () => {
    const result = await runCli(script("worker", `await emulator.dispose(); console.log("END");`), []);
    expect(result.stderr).not.toMatch(/triggerUncaughtException/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`STATUS {"status":"complete","output":"done"}`);
    expect(result.stdout).toContain("END");
    // the default log (no `log` option) is the host console, prefixed with the isolate's label
    expect(`${result.stdout}${result.stderr}`).toMatch(/\[dispatcher#1\] Uncaught \(in promise\) Error: worker-boom/);
  });

  it("a host rejection still crashes it, while an emulator is alive and after it is gone", async () => {
    const alive = await runCli(
      script(
        "host-alive",
        `Promise.reject(new Error("host-boom")); await new Promise((r) => setTimeout(r, 50)); console.log("END");`,
      ),
      [],
    );
    expect(alive.stdout).toContain(`STATUS {"status":"complete","output":"done"}`);
    expect(alive.code).toBe(1);
    expect(alive.stderr).toContain("host-boom");
    expect(alive.stdout).not.toContain("END");

    const gone = await runCli(
      script(
        "host-gone",
        `await emulator.dispose(); await new Promise((r) => setTimeout(r, 10)); Promise.reject("host-string"); await new Promise((r) => setTimeout(r, 50)); console.log("END");`,
      ),
      [],
    );
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("host-string");
    expect(gone.stdout).not.toContain("END");
  });
});
