/**
 * What a harness that places faults from the trace needs (dwc explore, simulation/explore/fault-injector.ts):
 * `onTrace` hears every event synchronously, in order, as it is recorded, and stops after unsubscribing; and each
 * isolate's code identity is in the trace — `loader.getCode`'s `code`, a digest of the main module's source — so
 * two tenants' isolates are told apart by the code they were loaded with.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Traced } from "../../emulator/index.ts";
import { ReferenceRun } from "../support/reference.ts";

let run: ReferenceRun | undefined;
afterEach(async () => {
  await run?.emulator.dispose();
  run = undefined;
});

describe("the trace feed and isolate code identity", () => {
  it("onTrace hears each event as it is recorded, in order, until unsubscribed", async () => {
    run = await ReferenceRun.start(["acme"]);
    const heard: Traced[] = [];
    const before = run.emulator.trace().length;
    const stop = run.emulator.onTrace((event) => {
      // Synchronous: the event is already in trace() when the listener runs.
      expect(run!.emulator.trace().at(-1)).toBe(event);
      heard.push(event);
    });
    await run.create("acme", { plan: [{ do: "one" }] });
    await run.emulator.runUntilIdle();
    expect(heard.map((e) => e.seq)).toEqual(
      run.emulator
        .trace()
        .slice(before)
        .map((e) => e.seq),
    );
    expect(heard.some((e) => e.type === "step.commit")).toBe(true);
    stop();
    const count = heard.length;
    await run.create("acme", { plan: [{ do: "two" }] });
    await run.emulator.runUntilIdle();
    expect(heard).toHaveLength(count);
  });

  it("loader.getCode records the digest of the main module each isolate was loaded with", async () => {
    run = await ReferenceRun.start(["acme", "globex"]);
    await run.create("acme", {});
    await run.create("globex", {});
    await run.emulator.runUntilIdle();
    const digest = (tenant: string) => {
      const code = run!.tenants.entries().find(([t]) => t === tenant)![1];
      return createHash("sha256").update(code.modules[code.mainModule]).digest("hex").slice(0, 16);
    };
    const loads = run.emulator.trace().flatMap((e) => (e.type === "loader.getCode" && e.ok ? [[e.id, e.code]] : []));
    expect(loads).toEqual([
      ["tenant:acme", digest("acme")],
      ["tenant:globex", digest("globex")],
    ]);
  });
});
