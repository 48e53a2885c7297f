/**
 * How a dispatcher behaves at production's limits (WF-94, WF-92), through the real `@cloudflare/dynamic-workflows`
 * and the reference dispatcher: every tenant creates through one wrapped Workflow binding, so the per-workflow
 * creation rate and the running-instance limit are shared by all tenants of the dispatcher. The limits are set low
 * with `productionLimits` so a test needs a handful of instances, not thousands; the code path is the same.
 */
import { afterEach, describe, expect, it } from "vitest";
import { scriptedCpuMeter } from "../../emulator/index.ts";
import { ReferenceRun } from "../support/reference.ts";

let run: ReferenceRun;
afterEach(() => run?.emulator.dispose());

const NAP = { plan: [{ do: "first" }, { sleep: "nap", duration: "1 minute" }, { do: "second" }] };

describe("a dispatcher at the production limits", () => {
  it("WF-94 over the creation rate the tenant sees the 429; every tenant's existing instances keep running", async () => {
    run = await ReferenceRun.start(["acme", "globex"], { productionLimits: { creationsPerSecond: 3 } });
    const globex = await run.create("globex", NAP);
    const acme = [await run.create("acme", NAP), await run.create("acme", NAP)];
    const refused = await run.request("acme", "/workflows", { body: { params: NAP } });
    expect(refused.status).toBe(400); // the probe tenant answers 400 with the error its create() threw
    expect(refused.body.error.message).toContain(
      '429 Too Many Requests: workflow "dynamic-workflow" is over its instance creation rate limit of 3 per second',
    );
    // The rate is the workflow's, and every tenant shares the dispatcher's one workflow: globex is refused too.
    const neighbour = await run.request("globex", "/workflows", { body: { params: NAP } });
    expect(neighbour.body.error.message).toContain("429 Too Many Requests");
    await run.emulator.runUntilIdle();
    for (const id of acme) expect((await run.output("acme", id)).tenant).toBe("acme");
    expect((await run.output("globex", globex)).markers.map((m) => m.step)).toEqual(["first", "second"]);
    expect(await run.emulator.instances()).toHaveLength(3);
    // A second later the tenant can create again.
    const later = await run.create("acme", NAP);
    await run.emulator.runUntilIdle();
    expect((await run.output("acme", later)).tenant).toBe("acme");
  });

  it("WF-94 a tenant's instance queued behind another tenant's still runs its creator's code when it starts", async () => {
    run = await ReferenceRun.start(["acme", "globex"], { productionLimits: { runningInstances: 1 } });
    const busy = { plan: [{ do: "first", failTimes: 1, config: { retries: { limit: 1, delay: "10 seconds" } } }] };
    const acme = await run.create("acme", busy);
    const globex = await run.create("globex", { plan: [{ do: "only" }] });
    await run.emulator.time.advance(0);
    // acme's retry wait is `waiting` and holds no slot: globex ran meanwhile.
    expect((await run.status("acme", acme)).status).toBe("waiting");
    expect((await run.output("globex", globex)).markers.map((m) => m.tenant)).toEqual(["globex"]);
    await run.emulator.runUntilIdle();
    expect((await run.output("acme", acme)).markers.map((m) => [m.tenant, m.attempt])).toEqual([["acme", 2]]);
  });

  it("WF-92 a tenant step over the CPU limit is retried in the same tenant's code", async () => {
    run = await ReferenceRun.start(["acme"], { productionLimits: { cpuMeter: scriptedCpuMeter([31_000]) } });
    const id = await run.create("acme", { plan: [{ do: "heavy", config: { retries: { limit: 1, delay: 0 } } }] });
    await run.emulator.runUntilIdle();
    expect((await run.output("acme", id)).markers.map((m) => [m.tenant, m.step, m.attempt])).toEqual([
      ["acme", "heavy", 2],
    ]);
    const failure = run.emulator.trace().find((e) => e.type === "step.failure");
    expect(failure).toMatchObject({ step: "heavy", attempt: 1, error: "Error: Worker exceeded CPU time limit." });
  });
});
