/** Events through the tenant's wrapped binding: delivery, buffering, order, timeouts. */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { assertOwnTenant, outputOf } from "../probe.ts";

export const eventCases = [
  defineCase({
    id: "events/delivered-to-waiter",
    title: "an event sent to a waiting instance is delivered with its payload",
    spec: ["WF-60", "WF-64"],
    async run(t) {
      const id = await t.create("acme", {
        plan: [{ wait: "approval", type: "approve", timeout: "1 hour" }, { do: "after" }],
      });
      await t.advance(200);
      const sent = await t.sendEvent("acme", id, "approve", { by: "alice" });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assertOwnTenant(output, "acme");
      assert.deepEqual(output.markers[0].payload, { by: "alice" });
    },
  }),
  defineCase({
    id: "events/buffered-before-wait",
    title: "an event sent before the instance reaches its wait is kept and delivered",
    spec: ["WF-65"],
    async run(t) {
      const id = await t.create("globex", {
        plan: [
          { sleep: "first", duration: 300 },
          { wait: "w", type: "go", timeout: "1 hour" },
        ],
      });
      const sent = await t.sendEvent("globex", id, "go", { early: true });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      await t.settle();
      const output = await outputOf(t, "globex", id);
      assert.deepEqual(output.markers[0].payload, { early: true });
    },
  }),
  defineCase({
    id: "events/fifo-per-type",
    title: "events of one type are delivered in the order sent, one per waiter",
    spec: ["WF-64"],
    async run(t) {
      const id = await t.create("initech", {
        plan: [
          { sleep: "first", duration: 200 },
          { wait: "one", type: "tick", timeout: "1 hour" },
          { wait: "two", type: "tick", timeout: "1 hour" },
        ],
      });
      await t.sendEvent("initech", id, "tick", 1);
      await t.sendEvent("initech", id, "tick", 2);
      await t.settle();
      const output = await outputOf(t, "initech", id);
      assert.deepEqual(
        output.markers.map((m) => m.payload),
        [1, 2],
      );
    },
  }),
  defineCase({
    id: "events/timeout-is-catchable",
    title: "a wait that times out throws into run(), which can catch it",
    spec: ["WF-63"],
    async run(t) {
      const id = await t.create("acme", {
        plan: [{ wait: "never", type: "nothing", timeout: "1 second", catch: true }, { do: "after" }],
      });
      // settle() stops at instances blocked on an event; let the timeout's time pass explicitly
      await t.advance(1500);
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assert.match(String(output.markers[0].caught?.message), /timed out/i);
      assert.equal(output.markers[1].step, "after");
    },
  }),
];
