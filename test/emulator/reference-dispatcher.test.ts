import { afterEach, describe, expect, it } from "vitest";
import { ReferenceRun } from "../support/reference.ts";

let run: ReferenceRun;
afterEach(() => run?.emulator.dispose());

describe("the reference dispatcher in the emulator", () => {
  it("runs a tenant's workflow through the real library: create via the wrapped binding, sleep, replay, complete", async () => {
    run = await ReferenceRun.start(["acme"]);
    const id = await run.create("acme", { hello: 1 });
    await run.emulator.runUntilIdle();
    const output = await run.output("acme", id);
    expect(output.tenant).toBe("acme");
    expect(output.markers.map((m) => [m.tenant, m.step, m.attempt])).toEqual([
      ["acme", "first", 1],
      ["acme", "second", 1],
    ]);
    const starts = run.emulator.trace().filter((e) => e.type === "run.start");
    // production profile: the sleep hibernates, the wake replays run() with the metadata from the envelope
    expect(starts.map((e) => e.type === "run.start" && e.metadata)).toEqual([
      { tenantId: "acme" },
      { tenantId: "acme" },
    ]);
    expect(run.attempts(id, "first")).toBe(1);
  });

  it("routes requests by x-tenant-id and refuses a request without it", async () => {
    run = await ReferenceRun.start(["acme", "globex"]);
    expect((await run.request("acme", "/state")).body.tenant).toBe("acme");
    expect((await run.request("globex", "/state")).body.tenant).toBe("globex");
    const response = await run.emulator.dispatchFetch("http://dispatcher/state");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("x-tenant-id");
  });
});
