/**
 * `Emulator.instances()`: the read-only view a harness uses instead of reaching into the engine. Creation order,
 * durable fields only, copies (changing a snapshot changes nothing).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/index.ts";
import { startPlain } from "../support/plain.ts";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

describe("Emulator.instances()", () => {
  it("lists instances in creation order with status, params, output, buffered events and lifetimes", async () => {
    const plain = await startPlain(`
      if (event.payload.wait) { const e = await step.waitForEvent("w", { type: "go" }); return e.payload; }
      return step.do("a", async () => event.payload.n * 2);
    `);
    emulator = plain.emulator;
    await plain.workflows.create({ id: "first", params: { n: 21 } });
    const second = await plain.workflows.create({ id: "second", params: { wait: true } });
    await emulator.runUntilIdle();
    await second.sendEvent({ type: "other", payload: 1 });

    const [a, b] = emulator.instances();
    expect(a).toMatchObject({ id: "first", status: "complete", output: 42, error: null, lifetimes: 1 });
    expect(a.params).toEqual({ n: 21 });
    expect(b).toMatchObject({ id: "second", status: "running", bufferedEvents: { other: 1 } }); // an event wait is "running" (WF-53)

    // a snapshot is a copy
    (a.params as { n: number }).n = 0;
    expect((emulator.instances()[0].params as { n: number }).n).toBe(21);
  });

  it("names the binding it does not know", async () => {
    const plain = await startPlain(`return 1;`);
    emulator = plain.emulator;
    expect(() => emulator!.instances("NOPE")).toThrow(/No Workflow binding named "NOPE"/);
  });
});
