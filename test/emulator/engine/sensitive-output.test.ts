/**
 * WF-21: `sensitive: "output"` hides a step's output wherever the engine SHOWS it (the local engine's `status()` step
 * outputs, introspection's `waitForStepResult`, the trace), while the workflow still receives the real value, on its
 * first run and on replays. Errors are not redacted.
 */
import { describe, expect, it } from "vitest";
import type { Workflow } from "../../../emulator/index.ts";
import { introspectWorkflowInstance } from "../../../emulator/introspection/index.ts";
import { PROFILES, runToIdle, traceOf, usePlain } from "../../support/engine.ts";

const start = usePlain();

const SECRET = "sk_live_4242";

/** A sensitive step between two ordinary ones; the workflow returns what it received from each. */
const BODY = `
  const before = await step.do("before", async () => "public-1");
  const token = await step.do("token", { sensitive: "output" }, async () => ({ token: "${SECRET}" }));
  await step.sleep("nap", "1 hour");
  const after = await step.do("after", async () => "public-2");
  return { before, token, after };
`;

describe("WF-21 sensitive step outputs", () => {
  it.each(PROFILES)(
    "WF-21 the workflow receives the real value, on its first run and after a crash (%s)",
    async (profile) => {
      const plain = await start(BODY, { profile });
      plain.emulator.crash("duringSleep", { instance: "i", step: "nap" });
      const handle = await plain.workflows.create({ id: "i" });
      await plain.emulator.runUntilIdle();
      if (profile === "local") {
        await handle.pause(); // LE-07: the local engine wakes nothing after a crash
        await handle.resume();
        await plain.emulator.runUntilIdle();
      }
      const status = await handle.status();
      expect(traceOf(plain.emulator, "step.cached").map((e) => e.step)).toContain("token");
      expect(status.output).toEqual({ before: "public-1", token: { token: SECRET }, after: "public-2" });
    },
  );

  it("WF-21 / WF-79 (local) status() shows the sensitive step's output as [REDACTED], the others as they are", async () => {
    const { status } = await runToIdle(start, BODY, { profile: "local" });
    expect(status.__LOCAL_DEV_STEP_OUTPUTS).toEqual(["public-1", "[REDACTED]", "public-2"]);
    console.log(`[WF-21 local] __LOCAL_DEV_STEP_OUTPUTS: ${JSON.stringify(status.__LOCAL_DEV_STEP_OUTPUTS)}`);
  });

  it("WF-21 (production) status() shows no step outputs at all: nothing to redact", async () => {
    const { status } = await runToIdle(start, BODY);
    expect(Object.keys(status).sort()).toEqual(["output", "status"]);
  });

  it.each(PROFILES)("WF-21 / VT-10 introspection's waitForStepResult answers [REDACTED] (%s)", async (profile) => {
    const plain = await start(BODY, { profile });
    const env = await plain.emulator.getBindings<{ WORKFLOWS: Workflow }>();
    await using instance = await introspectWorkflowInstance(env.WORKFLOWS, "i");
    await plain.workflows.create({ id: "i" });
    expect(await instance.waitForStepResult({ name: "token" })).toBe("[REDACTED]");
    expect(await instance.waitForStepResult({ name: "before" })).toBe("public-1");
    await instance.waitForStatus("complete");
    console.log(`[WF-21 ${profile}] waitForStepResult({ name: "token" }) → "[REDACTED]"`);
  });

  it("WF-21 the trace never carries the secret", async () => {
    const { emulator, status } = await runToIdle(start, BODY, { profile: "local" });
    expect(status.status).toBe("complete");
    expect(traceOf(emulator, "step.commit").map((e) => e.step)).toEqual(["before", "token", "after"]);
    expect(JSON.stringify(emulator.trace())).not.toContain(SECRET);
  });

  it("WF-21 errors are not redacted: a sensitive step's failure shows its message", async () => {
    const { status } = await runToIdle(
      start,
      `await step.do("token", { sensitive: "output", retries: { limit: 0, delay: 0 } }, async () => {
        throw new Error("vault refused ${SECRET}");
      });`,
      { profile: "local" },
    );
    expect(status.error).toEqual({ name: "Error", message: `vault refused ${SECRET}` });
  });

  it("WF-21 / WF-19 (local) a sensitive stream output is [REDACTED]; a plain one shows the local engine's preview", async () => {
    const { status } = await runToIdle(
      start,
      `
      const streamOf = (text) => new Response(text).body;
      const secret = await step.do("secret", { sensitive: "output" }, async () => streamOf("${SECRET}"));
      const text = await step.do("text", async () => streamOf("a".repeat(1030)));
      const binary = await step.do("binary", async () => new Response(new Uint8Array([0xff, 0xfe, 0x00])).body);
      return await new Response(secret).text();
      `,
      { profile: "local" },
    );
    expect(status.output).toBe(SECRET);
    expect(status.__LOCAL_DEV_STEP_OUTPUTS).toEqual([
      "[REDACTED]",
      `${"a".repeat(1024)}[truncated output]`,
      "[ReadableStream (binary): 3 bytes]",
    ]);
  });
});
