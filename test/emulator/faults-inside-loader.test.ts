/**
 * Crash point insideLoader: after recovery getCode runs again and the instance completes (regression: a dead
 * dispatcher used to leave a never-settling load in the shared loader cache).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Traced } from "../../emulator/index.ts";
import { engineOf } from "../../emulator/testing.ts";
import { ReferenceRun } from "../support/reference.ts";

let run: ReferenceRun | undefined;
afterEach(async () => {
  await run?.emulator.dispose();
  run = undefined;
});

describe("crash point insideLoader (production profile)", () => {
  it("WF-05/LE-07/WL-21 crash at insideLoader: after recovery getCode runs again and the instance completes with correct markers", async () => {
    run = await ReferenceRun.start(["acme"]);
    const emulator = run.emulator;
    const id = await run.create("acme", {
      plan: [
        { sleep: "short", duration: "1 second" },
        { do: "first" },
        { sleep: "long", duration: "1 hour" },
        { do: "second" },
      ],
    });
    // the isolate must be cold at the wake, or the loader is never entered
    emulator.evict();
    emulator.crash("insideLoader", { step: "tenant:acme" });
    await emulator.runUntilIdle();

    const trace = emulator.trace();
    const fault = trace.find((e): e is Extract<Traced, { type: "fault" }> => e.type === "fault" && e.kind === "crash");
    expect(fault?.point).toBe("insideLoader");
    // getCode re-ran after recovery
    const loadsAfter = trace.filter((e) => e.type === "loader.getCode" && e.seq > fault!.seq);
    expect(loadsAfter.map((e) => e.type === "loader.getCode" && e.ok)).toContain(true);
    expect(run.tenants.fetches.get("acme")).toBe(2);

    const status = engineOf(emulator, "WORKFLOWS").status(id) as { status: string; output?: any };
    expect(status.status).toBe("complete");
    expect(status.output.markers.map((m: any) => [m.tenant, m.step, m.attempt])).toEqual([
      ["acme", "first", 1],
      ["acme", "second", 1],
    ]);
  });

  it("WL-04/WL-21 after an insideLoader crash the loader cache holds no entry from before the crash", async () => {
    run = await ReferenceRun.start(["acme"]);
    const emulator = run.emulator;
    await run.create("acme", { plan: [{ sleep: "short", duration: "1 second" }, { do: "first" }] });
    emulator.evict();
    emulator.crash("insideLoader", { step: "tenant:acme" });
    await emulator.runUntilIdle();
    const trace = emulator.trace();
    const faultSeq = trace.find((e) => e.type === "fault")!.seq;
    // the first loader.get after the crash must be cold (the crash dropped every isolate)
    const firstGetAfter = trace.find((e) => e.type === "loader.get" && e.seq > faultSeq);
    expect(firstGetAfter).toMatchObject({ type: "loader.get", id: "tenant:acme", getCodeRan: true });
  });
});
