/**
 * step.do semantics (spec A1): replay and caching, overloads, names, occurrence counts, the callback's ctx,
 * unserialisable and oversized outputs, typed arrays, and the step limit.
 */
import { describe, expect, it } from "vitest";
import { attempts, failures, MIB, PROFILES, runStarts, runToIdle, traceOf, usePlain } from "../../support/engine.ts";

const start = usePlain();

describe("WF-05 replay", () => {
  it("WF-05 a replay returns cached step results without running the callbacks again; code outside steps re-runs", async () => {
    const { records, emulator, status } = await runToIdle(
      start,
      `
      await record("outside");
      const a = await step.do("a", async () => { await record("a"); return Math.random(); });
      await step.sleep("nap", 1000);
      const b = await step.do("b", async () => { await record("b"); return a; });
      return { a, b };
      `,
    );
    expect(status.status).toBe("complete");
    // production hibernates during the sleep and replays run() on wake
    expect(runStarts(emulator)).toBe(2);
    expect(records).toEqual(["outside", "a", "outside", "b"]);
    // the replay saw the cached (random) value, not a new one
    expect(status.output.b).toBe(status.output.a);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toEqual(["a"]);
    expect(attempts(emulator, "a")).toHaveLength(1);
  });
});

describe("WF-10 overloads", () => {
  it.each(PROFILES)("WF-10 do(name, cb) and do(name, config, cb) both run the callback (%s)", async (profile) => {
    const { status } = await runToIdle(
      start,
      `
      const plain = await step.do("plain", async () => "no config");
      const configured = await step.do("configured", { retries: { limit: 2, delay: 10 } }, async (ctx) => ctx.config.retries.limit);
      return { plain, configured };
      `,
      { profile },
    );
    expect(status.output).toEqual({ plain: "no config", configured: 2 });
  });

  it.each(PROFILES)("WF-10 a config without a callback throws 'requires a callback function' (%s)", async (profile) => {
    const { emulator, status } = await runToIdle(
      start,
      `
      try {
        await step.do("lonely", { timeout: "1 minute" });
        return "no error";
      } catch (e) {
        return { name: e.name, message: e.message };
      }
      `,
      { profile },
    );
    // A WorkflowFatalError thrown into run() by the engine (legacy error serialization): the name becomes a prefix.
    expect(status.output).toEqual({
      name: "Error",
      message: 'WorkflowFatalError: Step "lonely" requires a callback function',
    });
    expect(attempts(emulator, "lonely")).toHaveLength(0);
  });
});

describe("WF-11 step names", () => {
  it.each(PROFILES)("WF-11 a 256-character name is accepted, 257 characters are rejected (%s)", async (profile) => {
    const { records, status } = await runToIdle(
      start,
      `
      const ok = await step.do("n".repeat(256), async () => "ran");
      let rejected;
      try {
        await step.do("n".repeat(257), async () => { await record("257 ran"); return "ran"; });
      } catch (e) {
        rejected = { name: e.name, message: e.message };
      }
      return { ok, rejected };
      `,
      { profile },
    );
    expect(status.output.ok).toBe("ran");
    expect(status.output.rejected).toEqual({
      name: "Error",
      message: `WorkflowFatalError: Step name "${"n".repeat(257)}" exceeds max length (256 chars) or invalid characters found`,
    });
    expect(records).toEqual([]);
  });

  it.each([
    ["\\x00", "\x00"],
    ["\\x01", "\x01"],
    ["\\n", "\n"],
    ["\\x1f", "\x1f"],
  ])("WF-11 (local) a name with control character %s is rejected", async (char, raw) => {
    const { status } = await runToIdle(
      start,
      `
      try {
        await step.do("bad${char}name", async () => "ran");
        return "accepted";
      } catch (e) {
        return { name: e.name, message: e.message };
      }
      `,
      { profile: "local" },
    );
    expect(status.output).toEqual({
      name: "Error",
      message: `WorkflowFatalError: Step name "bad${raw}name" exceeds max length (256 chars) or invalid characters found`,
    });
  });
});

describe("WF-12 / WF-13 occurrences", () => {
  it("WF-12 repeated names get separate cache entries with ctx.step.count = 1, 2, 3 (kept across a replay)", async () => {
    const { emulator, status } = await runToIdle(
      start,
      `
      const results = [];
      for (let i = 0; i < 3; i++) {
        results.push(await step.do("same", async (ctx) => {
          globalThis.calls = (globalThis.calls ?? 0) + 1;
          return { count: ctx.step.count, name: ctx.step.name, call: globalThis.calls };
        }));
      }
      await step.sleep("nap", 1000);
      return results;
      `,
    );
    expect(status.output).toEqual([
      { count: 1, name: "same", call: 1 },
      { count: 2, name: "same", call: 2 },
      { count: 3, name: "same", call: 3 },
    ]);
    // replayed after the sleep: all three came from their own cache entries
    expect(runStarts(emulator)).toBe(2);
    expect(traceOf(emulator, "step.cached").map((e) => e.count)).toEqual([1, 2, 3]);
  });

  it("WF-12 (local) repeated names in one run() get counts 1, 2, 3 and their own results", async () => {
    const { status } = await runToIdle(
      start,
      `
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await step.do("same", async (ctx) => [ctx.step.count, i]));
      return results;
      `,
      { profile: "local" },
    );
    expect(status.output).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
  });

  it.each(PROFILES)("WF-13 the same name in different kinds has separate counters (%s)", async (profile) => {
    const { emulator, handle } = await runToIdle(
      start,
      `
      const first = await step.do("x", async (ctx) => ctx.step.count);
      await step.sleep("x", 1000);
      let timedOut = false;
      try { await step.waitForEvent("x", { type: "never", timeout: "1 second" }); } catch { timedOut = true; }
      const second = await step.do("x", async (ctx) => ctx.step.count);
      return { first, second, timedOut };
      `,
      { profile },
    );
    // blocked on the event: let its 1-second timeout pass
    await emulator.time.advance(1000);
    await emulator.runUntilIdle();
    const status = await handle.status();
    expect(status.output).toEqual({ first: 1, second: 2, timedOut: true });
    expect(traceOf(emulator, "sleep.start").map((e) => [e.step, e.count])).toEqual([["x", 1]]);
    expect(traceOf(emulator, "event.timeout").map((e) => [e.step, e.count])).toEqual([["x", 1]]);
  });
});

describe("WF-14 cached outcomes", () => {
  it("WF-14 a replay returns the cached success and re-throws the cached final failure without running callbacks", async () => {
    const { records, emulator, status } = await runToIdle(
      start,
      `
      const ok = await step.do("ok", async () => { await record("ok ran"); return "fine"; });
      let failed;
      try {
        await step.do("fails", { retries: { limit: 0, delay: 0 } }, async () => {
          await record("fails ran");
          const e = new Error("kaput");
          e.name = "CustomError";
          throw e;
        });
      } catch (e) {
        failed = { name: e.name, message: e.message };
      }
      await step.sleep("nap", 1000);
      return { ok, failed };
      `,
    );
    // The cached failure is re-thrown by the engine (legacy error serialization) both times: Error, name as a prefix.
    expect(status.output).toEqual({ ok: "fine", failed: { name: "Error", message: "CustomError: kaput" } });
    expect(runStarts(emulator)).toBe(2);
    expect(records).toEqual(["ok ran", "fails ran"]);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toEqual(["ok", "fails"]);
    expect(attempts(emulator, "fails")).toHaveLength(1);
  });
});

describe("WF-15 ctx", () => {
  it("WF-15 (production) ctx is {step:{name,count}, attempt, config} with the defaults merged in", async () => {
    const { status } = await runToIdle(start, `return await step.do("s", async (ctx) => ctx);`);
    expect(status.output).toEqual({
      step: { name: "s", count: 1 },
      attempt: 1,
      config: { retries: { limit: 5, delay: 10_000, backoff: "exponential" }, timeout: "10 minutes" },
    });
  });

  it("WF-15 (local) ctx.config shows the local default delay of 1000 ms", async () => {
    const { status } = await runToIdle(start, `return await step.do("s", async (ctx) => ctx);`, { profile: "local" });
    expect(status.output).toEqual({
      step: { name: "s", count: 1 },
      attempt: 1,
      config: { retries: { limit: 5, delay: 1000, backoff: "exponential" }, timeout: "10 minutes" },
    });
  });

  it.each(PROFILES)("WF-15 a given config is merged with the defaults in ctx.config (%s)", async (profile) => {
    const { status } = await runToIdle(
      start,
      `return await step.do("s", { retries: { limit: 2, delay: "1 second" } }, async (ctx) => ctx.config);`,
      { profile },
    );
    expect(status.output).toEqual({
      retries: { limit: 2, delay: "1 second", backoff: "exponential" },
      timeout: "10 minutes",
    });
  });

  it.each(PROFILES)("WF-15 ctx.attempt is 1-based and counts attempts (%s)", async (profile) => {
    const { status } = await runToIdle(
      start,
      `
      return await step.do("s", { retries: { limit: 3, delay: 10, backoff: "constant" } }, async (ctx) => {
        await record(ctx.attempt);
        if (ctx.attempt < 3) throw new Error("again");
        return ctx.attempt;
      });
      `,
      { profile },
    );
    expect(status.output).toBe(3);
  });

  it.each(PROFILES)("WF-15 with a delay function, ctx.config.retries leaves delay out (%s)", async (profile) => {
    const { status } = await runToIdle(
      start,
      `
      return await step.do("s", { retries: { limit: 1, delay: () => 1000 } }, async (ctx) => ({
        keys: Object.keys(ctx.config.retries).sort(),
        hasDelay: "delay" in ctx.config.retries,
      }));
      `,
      { profile },
    );
    expect(status.output).toEqual({ keys: ["backoff", "limit"], hasDelay: false });
  });

  it.each(PROFILES)("WF-15 mutating ctx.config has no effect on retries (%s)", async (profile) => {
    const { records, emulator, status } = await runToIdle(
      start,
      `
      try {
        await step.do("s", { retries: { limit: 1, delay: 1000, backoff: "constant" } }, async (ctx) => {
          await record(ctx.config.retries.limit);
          ctx.config.retries.limit = 10;
          ctx.config.retries.delay = 999999;
          ctx.config.retries.backoff = "linear";
          ctx.config.timeout = 1;
          throw new Error("fail " + ctx.attempt);
        });
      } catch (e) {
        return e.message;
      }
      `,
      { profile },
    );
    expect(status.output).toBe("fail 2");
    const times = attempts(emulator, "s").map((e) => e.time);
    expect(times).toHaveLength(2);
    expect(times[1] - times[0]).toBe(1000);
    // the second attempt saw the engine's config again, not the mutated one
    expect(records).toEqual([1, 1]);
  });
});

describe("WF-16 unserialisable output", () => {
  const expected = {
    name: "WorkflowFatalError",
    message:
      'The execution of the Workflow instance was terminated, as the step "bad" returned a value which is not serialisable',
  };

  it.each(PROFILES)(
    "WF-16 returning a function errors the instance, even inside try/catch, with no retry (%s)",
    async (profile) => {
      const { emulator, status } = await runToIdle(
        start,
        `
      try {
        await step.do("bad", async () => () => 1);
      } catch (e) {
        return "caught " + e.message;
      }
      return "continued";
      `,
        { profile },
      );
      expect(status.status).toBe("errored");
      expect(status.error).toEqual(expected);
      expect(attempts(emulator, "bad")).toHaveLength(1);
    },
  );
});

describe("WF-17 undefined", () => {
  it("WF-17 undefined is a valid result and is cached across a replay", async () => {
    const { records, emulator, status } = await runToIdle(
      start,
      `
      const v = await step.do("u", async () => { await record("u ran"); return undefined; });
      await step.sleep("nap", 1000);
      return { type: typeof v };
      `,
    );
    expect(status.output).toEqual({ type: "undefined" });
    expect(runStarts(emulator)).toBe(2);
    expect(records).toEqual(["u ran"]);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toEqual(["u"]);
  });

  it("WF-17 (local) undefined is a valid result", async () => {
    const { status } = await runToIdle(start, `const v = await step.do("u", async () => undefined); return typeof v;`, {
      profile: "local",
    });
    expect(status.status).toBe("complete");
    expect(status.output).toBe("undefined");
  });
});

describe("WF-18 output size", () => {
  const body = `
    const out = await step.do("big", { retries: { limit: 1, delay: 0 } }, async (ctx) =>
      ctx.attempt === 1 ? "x".repeat(${MIB + 1024}) : "small");
    return { length: out.length };
  `;

  it("WF-18 (production) an output over 1 MiB is a retryable attempt failure", async () => {
    const { emulator, status } = await runToIdle(start, body);
    expect(status.output).toEqual({ length: 5 });
    const [failure] = failures(emulator, "big");
    expect(failure.attempt).toBe(1);
    expect(failure.willRetry).toBe(true);
    expect(failure.error).toContain("1MiB");
    expect(attempts(emulator, "big")).toHaveLength(2);
  });

  it("WF-18 (production) with retries exhausted the size error reaches run()", async () => {
    const { status } = await runToIdle(
      start,
      `
      try {
        await step.do("big", { retries: { limit: 0, delay: 0 } }, async () => "x".repeat(${MIB + 1024}));
        return "stored";
      } catch (e) {
        return { message: e.message };
      }
      `,
    );
    expect(status.status).toBe("complete");
    expect(status.output.message).toContain("1MiB");
  });

  it("WF-18 (local) 1 MiB is not enforced", async () => {
    const { emulator, status } = await runToIdle(start, body, { profile: "local" });
    expect(status.output).toEqual({ length: MIB + 1024 });
    expect(attempts(emulator, "big")).toHaveLength(1);
  });
});

describe("WF-20 typed arrays", () => {
  const body = `
    const v = await step.do("t", async () => new Uint16Array(new ArrayBuffer(64), 8, 4).fill(7));
    await step.do("marker", async () => { await record("marker"); return 1; });
    await step.sleep("nap", 1000);
    return {
      ctor: v.constructor.name,
      isView: v instanceof Uint16Array,
      values: Array.from(v),
      byteOffset: v.byteOffset,
      bufferBytes: v.buffer.byteLength,
    };
  `;
  const tight = { ctor: "Uint16Array", isView: true, values: [7, 7, 7, 7], byteOffset: 0, bufferBytes: 8 };

  it("WF-20 (production) a typed-array output comes back on replay as the same view type over a tight copy", async () => {
    const { emulator, status } = await runToIdle(start, body);
    expect(runStarts(emulator)).toBe(2);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toContain("t");
    expect(status.output).toEqual(tight);
  });

  it("WF-20 (local) a typed-array output replayed after restart-from-step is the same view type over a tight copy", async () => {
    const { records, emulator, handle, status } = await runToIdle(start, body, { profile: "local" });
    expect(status.output).toEqual(tight);
    await handle.restart({ from: { name: "marker" } });
    await emulator.runUntilIdle();
    const after = await handle.status();
    expect(after.status).toBe("complete");
    expect(after.output).toEqual(tight);
    expect(traceOf(emulator, "step.cached").map((e) => e.step)).toContain("t");
    expect(records).toEqual(["marker", "marker"]);
  });
});

describe("WF-91 step limit", () => {
  const workflows = (steps: number) => ({ WORKFLOWS: { name: "flow", className: "Flow", limits: { steps } } });

  it.each(PROFILES)("WF-91 limits.steps = 3 allows 3 step.do calls and the 4th throws (%s)", async (profile) => {
    const { emulator, status } = await runToIdle(
      start,
      `
      const done = [];
      try {
        for (let i = 1; i <= 4; i++) done.push(await step.do("s" + i, async () => i));
      } catch (e) {
        return { done, name: e.name, message: e.message };
      }
      return { done };
      `,
      { profile, workflows: workflows(3) },
    );
    expect(status.output).toEqual({
      done: [1, 2, 3],
      name: "Error",
      message:
        "WorkflowFatalError: The limit of 3 steps has been reached. This limit can be changed in your worker configuration.",
    });
    expect(attempts(emulator, "s4")).toHaveLength(0);
  });

  it.each(PROFILES)("WF-91 / WF-51 sleeps do not count toward the step limit (%s)", async (profile) => {
    const { status } = await runToIdle(
      start,
      `
      const a = await step.do("a", async () => 1);
      await step.sleep("s1", 10);
      await step.sleep("s2", 10);
      await step.sleep("s3", 10);
      const b = await step.do("b", async () => 2);
      return a + b;
      `,
      { profile, workflows: workflows(2) },
    );
    expect(status.status).toBe("complete");
    expect(status.output).toBe(3);
  });

  it.each(PROFILES)("WF-91 an uncaught step-limit error errors the instance (%s)", async (profile) => {
    const { status } = await runToIdle(
      start,
      `await step.do("a", async () => 1); await step.do("b", async () => 2); return "done";`,
      { profile, workflows: workflows(1) },
    );
    expect(status.status).toBe("errored");
    expect(status.error).toEqual({
      name: "Error",
      message:
        "WorkflowFatalError: The limit of 1 steps has been reached. This limit can be changed in your worker configuration.",
    });
  });
});
