/** Instance lifecycle through the tenant's wrapped binding. */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { assertOwnTenant, expectStatus, outputOf } from "../probe.ts";

export const lifecycleCases = [
  defineCase({
    id: "lifecycle/terminate-while-sleeping",
    title: "terminate ends a sleeping instance; the step after the sleep never runs",
    spec: ["WF-82"],
    async run(t) {
      const id = await t.create("acme", {
        plan: [{ do: "before" }, { sleep: "nap", duration: 1000 }, { do: "after" }],
      });
      await t.advance(200);
      const response = await t.control("acme", id, "terminate");
      assert.equal(response.status, 200, JSON.stringify(response.body));
      await t.advance(1200);
      await expectStatus(t, "acme", id, "terminated");
    },
  }),
  defineCase({
    id: "lifecycle/pause-and-resume",
    title: "a paused instance does not progress; resumed, it completes with its own tenant's code",
    spec: ["WF-80", "WF-81"],
    async run(t) {
      const id = await t.create("globex", {
        plan: [{ do: "before" }, { sleep: "nap", duration: 300 }, { do: "after" }],
      });
      await t.advance(100);
      assert.equal((await t.control("globex", id, "pause")).status, 200);
      await t.advance(600);
      await expectStatus(t, "globex", id, "paused");
      assert.equal((await t.control("globex", id, "resume")).status, 200);
      await t.settle();
      assertOwnTenant(await outputOf(t, "globex", id), "globex");
    },
  }),
  defineCase({
    id: "lifecycle/restart-runs-again",
    title: "restart runs a completed instance again from the start, with the same tenant's code",
    spec: ["WF-83"],
    async run(t) {
      const id = await t.create("initech", { plan: [{ do: "only" }] });
      await t.settle();
      await outputOf(t, "initech", id);
      assert.equal((await t.control("initech", id, "restart")).status, 200);
      await t.settle();
      assertOwnTenant(await outputOf(t, "initech", id), "initech");
    },
  }),
];
