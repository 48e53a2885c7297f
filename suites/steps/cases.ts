/** Step semantics seen through a dynamic workflow: retries, errors, caching. */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { assertOwnTenant, expectStatus, outputOf, QUICK_RETRIES } from "../probe.ts";

export const stepCases = [
  defineCase({
    id: "steps/retry-until-success",
    title: "a step that fails twice succeeds on its third attempt, in the same tenant",
    spec: ["WF-31", "WF-32"],
    async run(t) {
      const id = await t.create("acme", { plan: [{ do: "flaky", failTimes: 2, config: QUICK_RETRIES }] });
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assertOwnTenant(output, "acme");
      assert.equal(output.markers[0].attempt, 3);
    },
  }),
  defineCase({
    id: "steps/limit-zero-is-one-attempt",
    title: "retries.limit counts retries: limit 0 means a single attempt",
    spec: ["WF-31"],
    async run(t) {
      const id = await t.create("acme", {
        plan: [{ do: "once", failTimes: 1, catch: true, config: { retries: { limit: 0, delay: 10 } } }, { do: "next" }],
      });
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assert.match(String(output.markers[0].caught?.message), /planned failure 1 in once/);
      assert.equal(output.markers[1].step, "next");
    },
  }),
  defineCase({
    id: "steps/exhausted-retries-caught",
    title: "when retries run out the last error reaches run(), which can catch it and go on",
    spec: ["WF-38"],
    async run(t) {
      const id = await t.create("globex", {
        plan: [
          { do: "doomed", failTimes: 10, catch: true, config: { retries: { limit: 2, delay: 20, backoff: "linear" } } },
          { do: "after" },
        ],
      });
      await t.settle();
      const output = await outputOf(t, "globex", id);
      assert.match(String(output.markers[0].caught?.message), /planned failure 3 in doomed/);
      assert.equal(output.markers[1].step, "after");
    },
  }),
  defineCase({
    id: "steps/uncaught-failure-errors-instance",
    title: "an uncaught step failure makes the instance errored with the step's message",
    spec: ["WF-01", "WF-38"],
    async run(t) {
      const id = await t.create("initech", {
        plan: [{ do: "doomed", failTimes: 10, config: { retries: { limit: 1, delay: 10 } } }],
      });
      await t.settle();
      const view = await expectStatus(t, "initech", id, "errored");
      assert.match(String(view.error?.message), /planned failure 2 in doomed/);
    },
  }),
  defineCase({
    id: "steps/non-retryable-stops-retries",
    title: "a NonRetryableError stops further attempts; caught, execution goes on",
    spec: ["WF-39", "WF-40"],
    async run(t) {
      const id = await t.create("acme", {
        plan: [{ do: "fatal", failTimes: 5, nonRetryable: true, catch: true, config: QUICK_RETRIES }, { do: "after" }],
      });
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assert.match(String(output.markers[0].caught?.message), /planned non-retryable failure in fatal/);
      assert.equal(output.markers[1].step, "after");
      // the "after" step ran once: the marker proves a single run of the next step
      assert.equal(output.markers[1].attempt, 1);
    },
  }),
  defineCase({
    id: "steps/repeated-names-are-separate-steps",
    title: "two steps with the same name are cached separately",
    spec: ["WF-12"],
    async run(t) {
      const id = await t.create("acme", { plan: [{ do: "same" }, { sleep: "s", duration: 100 }, { do: "same" }] });
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assert.equal(output.markers.length, 2);
      assert.deepEqual(
        output.markers.map((m) => m.step),
        ["same", "same"],
      );
    },
  }),
];
