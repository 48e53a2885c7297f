/**
 * The emulator issue's headline scenario: three tenants; every instance's output must prove that its own tenant's
 * code ran every step across a 30-day sleep, an isolate eviction between steps and a crash mid-step.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ReferenceRun } from "../support/reference.ts";

const TENANTS = ["acme", "globex", "initech"] as const;
const PLAN = [
  { do: "before-sleep" },
  { sleep: "a-month", duration: "30 days" },
  { do: "after-sleep" },
  { sleep: "short", duration: "1 minute" },
  { do: "crashes-mid-step" },
  { do: "last" },
];

let run: ReferenceRun;
afterEach(() => run?.emulator.dispose());

describe("three tenants across a 30-day sleep, an eviction and a crash", () => {
  it("every step of every instance ran its own tenant's code, with the metadata it was created with", async () => {
    const wallStart = performance.now();
    run = await ReferenceRun.start(TENANTS);
    const emulator = run.emulator;
    const ids: Record<string, string> = {};
    for (const tenant of TENANTS) ids[tenant] = await run.create(tenant, { plan: PLAN });

    // Everyone is now asleep for 30 days. Evict every tenant isolate between the steps.
    await emulator.time.advance(60_000);
    const evicted = emulator.evict();
    expect(evicted.sort()).toEqual(TENANTS.map((t) => `tenant:${t}`).sort());

    // Crash after globex's step callback returned but before its result is committed.
    emulator.crash("afterStepCallback", { instance: ids.globex, step: "crashes-mid-step" });
    const before = performance.now();
    await emulator.runUntilIdle();
    const runMs = performance.now() - before;

    for (const tenant of TENANTS) {
      const output = await run.output(tenant, ids[tenant]);
      expect(output.tenant).toBe(tenant);
      expect(output.markers.map((m) => m.step)).toEqual(["before-sleep", "after-sleep", "crashes-mid-step", "last"]);
      for (const marker of output.markers) expect(marker.tenant).toBe(tenant);
      // the eviction is visible: the steps after the sleep ran in a new isolate of the same tenant
      expect(output.markers[1].isolate).not.toBe(output.markers[0].isolate);
      expect(output.markers[1].isolate.startsWith(`${tenant}/`)).toBe(true);
    }
    // every run() lifetime was started with the creating tenant's metadata
    for (const event of emulator.trace()) {
      if (event.type !== "run.start") continue;
      const tenant = TENANTS.find((t) => ids[t] === event.instance);
      expect(event.metadata).toEqual({ tenantId: tenant });
    }
    // the crashed step ran again once (at-least-once); the others ran once
    expect(run.attempts(ids.globex, "crashes-mid-step")).toBe(2);
    expect(run.attempts(ids.acme, "crashes-mid-step")).toBe(1);
    expect(run.attempts(ids.globex, "after-sleep")).toBe(1);
    expect(emulator.trace().filter((e) => e.type === "fault" && e.kind === "crash")).toHaveLength(1);
    // 30 days and a minute of virtual time passed
    expect(emulator.time.now() - Date.UTC(2026, 0, 1)).toBeGreaterThanOrEqual(30 * 86_400_000 + 60_000);
    // reloads went through getCode again: once at creation, once after the eviction, once after the crash
    expect(run.tenants.fetches.get("globex")).toBe(3);
    console.log(
      `end-to-end: 3 tenants, 30-day sleep, eviction, crash: runUntilIdle took ${runMs.toFixed(1)} ms wall, ` +
        `${(performance.now() - wallStart).toFixed(1)} ms including start-up`,
    );
  });

  it("a committed step never runs again, even when the crash comes right after its commit", async () => {
    run = await ReferenceRun.start(["acme"]);
    const id = await run.create("acme", { plan: [{ sleep: "s", duration: 1000 }, { do: "first" }, { do: "second" }] });
    run.emulator.crash("afterStepCommit", { step: "first" });
    await run.emulator.runUntilIdle();
    const output = await run.output("acme", id);
    expect(output.markers.map((m) => [m.step, m.attempt])).toEqual([
      ["first", 1],
      ["second", 1],
    ]);
    expect(run.attempts(id, "first")).toBe(1);
    // created, woken from the sleep, replayed after the crash
    expect(run.emulator.trace().filter((e) => e.type === "run.start")).toHaveLength(3);
  });

  it("a crash after the callback's side effect but before commit runs the step again exactly once", async () => {
    run = await ReferenceRun.start(["acme"]);
    const id = await run.create("acme", { plan: [{ sleep: "s", duration: 1000 }, { do: "first" }, { do: "second" }] });
    run.emulator.crash("afterStepCallback", { step: "first" });
    await run.emulator.runUntilIdle();
    const output = await run.output("acme", id);
    expect(run.attempts(id, "first")).toBe(2);
    expect(run.attempts(id, "second")).toBe(1);
    // production profile: the interrupted attempt runs again as the same attempt (WF-90)
    expect(output.markers[0].attempt).toBe(1);
    // the re-run happened in a fresh isolate: the crash dropped every isolate
    const tenantLoads = run.emulator.trace().filter((e) => e.type === "loader.getCode").length;
    expect(tenantLoads).toBe(2);
  });
});
