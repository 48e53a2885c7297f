/**
 * WF-04 [PROD]: params are limited to 1 MiB as production encodes them (JSON), not as V8 would serialise them.
 * (Regression: the limit used to be measured on the structured-clone size.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { startPlain, type PlainWorkflow } from "../../support/plain.ts";

const MIB = 1024 * 1024;

let current: PlainWorkflow | undefined;
afterEach(async () => {
  await current?.emulator.dispose();
  current = undefined;
});

describe("WF-04 [PROD] the 1 MiB params limit is about the params' encoded size", () => {
  it("WF-04 [PROD] params whose JSON is ~600 KB (150,000 fractional numbers) are accepted", async () => {
    current = await startPlain(`return event.payload.prices.length;`, { profile: "production" });
    const { emulator, workflows } = current;
    const params = { prices: Array.from({ length: 150_000 }, () => 0.5) };
    expect(JSON.stringify(params).length).toBeLessThan(0.6 * MIB);
    const handle = await workflows.create({ id: "prices", params });
    await emulator.runUntilIdle();
    expect(await handle.status()).toMatchObject({ status: "complete", output: 150_000 });
  });

  it("WF-04 [PROD] params whose JSON is ~1.5 MB (300,000 booleans) are rejected", async () => {
    current = await startPlain(`return event.payload.flags.length;`, { profile: "production" });
    const { workflows } = current;
    const params = { flags: Array.from({ length: 300_000 }, () => true) };
    expect(JSON.stringify(params).length).toBeGreaterThan(1.4 * MIB);
    await expect(workflows.create({ id: "flags", params })).rejects.toThrow(/1 ?MiB/);
  });
});
