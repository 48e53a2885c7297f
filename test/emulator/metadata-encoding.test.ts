/**
 * Metadata travels inside the params envelope, so it is encoded like params: in the production profile as JSON
 * (a Date arrives as a string, a Map as {}) [INFERRED from workerd's source], locally by structured clone (both
 * survive). A function in metadata cannot be sent at all: a clear error at create(), and nothing is created.
 */
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Emulator } from "../../emulator/index.ts";
import { engineOf } from "../../emulator/testing.ts";

const DISPATCHER = fileURLToPath(new URL("../support/metadata-dispatcher.ts", import.meta.url));
let emulator: Emulator | undefined;
afterEach(async () => emulator?.dispose());

async function start(profile: "production" | "local") {
  emulator = new Emulator({
    scriptPath: DISPATCHER,
    modules: true,
    profile,
    compatibilityDate: "2026-01-01",
    workflows: { WORKFLOWS: { name: "dynamic-workflow", className: "DynamicWorkflow" } },
    log: false,
  });
  await emulator.ready;
  return emulator;
}

describe("metadata that does not survive the Workflow binding's encoding", () => {
  it.each([
    ["production", { tenantId: "acme", since: 'string "1970-01-01T00:00:00.000Z"', tags: "object {}" }],
    ["local", { tenantId: "acme", since: "Date", tags: "Map" }],
  ] as const)("%s profile: the runner is handed back %o", async (profile, expected) => {
    const emu = await start(profile);
    const { id } = (await (await emu.dispatchFetch("http://dispatcher/")).json()) as { id: string };
    await emu.runUntilIdle();
    const status = engineOf(emu, "WORKFLOWS").status(id);
    expect(status.status).toBe("complete");
    expect(status.output).toEqual(expected);
  });

  it("a function in metadata is refused at create() with a DataCloneError that says so, and no instance is created", async () => {
    const emu = await start("production");
    const response = await emu.dispatchFetch("http://dispatcher/?fn=1");
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { name: string; message: string } };
    expect(error.message).toContain("could not be serialized");
    expect(engineOf(emu, "WORKFLOWS").instanceIds()).toEqual([]);
  });
});
