/** How suites/run-case.ts classifies outcomes: pass, finding, fail, unsupported, and the divergence ratchet. */
import assert from "node:assert/strict";
import { describe, expect, it } from "vitest";
import { isFailure, runCase } from "../../suites/run-case.ts";
import { defineCase } from "../../contract/case.ts";
import { fakeTarget } from "../support/fake-target.ts";

const passing = defineCase({ id: "t/passing", title: "passes", spec: [], run: async () => {} });
const failing = defineCase({
  id: "t/failing",
  title: "fails",
  spec: [],
  run: async () => assert.equal(1, 2, "one is not two"),
});
const withFinding = defineCase({
  id: "t/finding",
  title: "finds",
  spec: [],
  run: async (_t, ctx) => ctx.finding({ severity: "high", title: "the library leaks", explanation: "because" }),
});
const needsCrash = defineCase({
  id: "t/needs-crash",
  title: "needs crash",
  spec: [],
  needs: ["crash"],
  run: async () => {},
});

const hanging = defineCase({
  id: "t/hanging",
  title: "never settles",
  spec: [],
  run: () => new Promise<void>(() => {}),
});

describe("runCase", () => {
  it("a case still running when its budget runs out fails with a timeout that names the budget, and is disposed", async () => {
    const target = fakeTarget();
    const result = await runCase(target, hanging, {}, { timeoutMs: 20 });
    expect(result.status).toBe("fail");
    expect(result.error).toBe("timed out after 0.02 s (the case budget: --case-timeout or budget.caseTimeoutSeconds)");
    expect(target.disposed).toBe(1);
  });

  it("a target that fails to shut down fails a passing case, saying so; a hung shutdown is abandoned after the budget", async () => {
    const failing = fakeTarget({
      running: {
        dispose: async () => {
          throw new Error("port still bound");
        },
      },
    });
    expect(await runCase(failing, passing, {})).toMatchObject({
      status: "fail",
      error: "the target failed to shut down after the case: port still bound",
    });
    const hung = fakeTarget({ running: { dispose: () => new Promise<void>(() => {}) } });
    expect(await runCase(hung, passing, {}, { timeoutMs: 20 })).toMatchObject({
      status: "fail",
      error: expect.stringMatching(/^the target failed to shut down after the case: timed out after 0.02 s/),
    });
  });

  it("a budget that is not used up changes nothing", async () => {
    expect(await runCase(fakeTarget(), failing, {}, { timeoutMs: 60_000 })).toMatchObject({
      status: "fail",
      error: expect.stringContaining("one is not two"),
    });
  });

  it("a case that returns passes; the running target is disposed", async () => {
    const target = fakeTarget();
    expect(await runCase(target, passing, {})).toMatchObject({ status: "pass", caseId: "t/passing", target: "fake" });
    expect(target.disposed).toBe(1);
  });

  it("a case that throws fails with the assertion's message, and still disposes", async () => {
    const target = fakeTarget();
    const result = await runCase(target, failing, {});
    expect(result.status).toBe("fail");
    expect(result.error).toContain("one is not two");
    expect(isFailure(result.status)).toBe(true);
    expect(target.disposed).toBe(1);
  });

  it("a finding is reported with its severity and is not a failure", async () => {
    const result = await runCase(fakeTarget(), withFinding, {});
    expect(result.status).toBe("finding");
    expect(result.findings).toEqual([{ severity: "high", title: "the library leaks", explanation: "because" }]);
    expect(isFailure(result.status)).toBe(false);
  });

  it("a case needing a missing capability is unsupported, says which, and never starts the target", async () => {
    const target = fakeTarget();
    expect(await runCase(target, needsCrash, {})).toMatchObject({ status: "unsupported", reason: "needs crash" });
    expect(target.disposed).toBe(0);
    expect(await runCase(fakeTarget({ capabilities: { crash: true } }), needsCrash, {})).toMatchObject({
      status: "pass",
    });
  });

  it("a listed divergence that still fails is a known divergence with its reason, not a failure", async () => {
    const result = await runCase(fakeTarget(), failing, { fake: { "t/failing": "the local engine differs (§E.1)" } });
    expect(result).toMatchObject({ status: "known-divergence", reason: "the local engine differs (§E.1)" });
    expect(isFailure(result.status)).toBe(false);
  });

  it("the ratchet: a listed divergence that passes fails the run until the list is updated", async () => {
    const result = await runCase(fakeTarget(), passing, { fake: { "t/passing": "was broken" } });
    expect(result.status).toBe("divergence-fixed");
    expect(result.error).toContain("remove it from suites/divergences.ts");
    expect(isFailure(result.status)).toBe(true);
  });
});
