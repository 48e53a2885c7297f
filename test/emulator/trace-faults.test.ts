/**
 * emulator.evict() records a fault event naming the ids dropped (regression).
 */
import { afterEach, describe, expect, it } from "vitest";
import { ReferenceRun } from "../support/reference.ts";

let run: ReferenceRun | undefined;
afterEach(async () => {
  await run?.emulator.dispose();
  run = undefined;
});

describe("fault events", () => {
  it("emulator.evict() records a fault event of kind 'evict' naming the ids dropped", async () => {
    run = await ReferenceRun.start(["acme"]);
    await run.request("acme", "/state");
    expect(run.emulator.evict()).toEqual(["tenant:acme"]);
    const faults = run.emulator.trace().filter((e) => e.type === "fault");
    expect(faults).toEqual([expect.objectContaining({ type: "fault", kind: "evict" })]);
    expect(faults[0].type === "fault" && faults[0].detail).toContain("tenant:acme");
  });
});
