/**
 * The binding methods whose behaviour differs per engine and that local workerd has, for the emulator-vs-workerd
 * comparison of the matrix: `createBatch`'s array form through the tenant's wrapped binding (WF-75) and
 * `instance.delete()` on the dispatcher's own binding (WF-77; the library gives tenants no delete).
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { assertOwnTenant, outputOf, reply } from "../probe.ts";

export const bindingLifecycleCases = [
  defineCase({
    id: "lifecycle/create-batch-array-form",
    title:
      "createBatch's array form: production skips ids in use (within the batch too), the local engine re-uses them",
    spec: ["WF-75", "WF-73", "§E.2"],
    async run(t) {
      const taken = await t.create("acme", { plan: [{ do: "first" }] });
      await t.settle();
      const fresh = `batch-${Math.floor(Math.random() * 1e9)}`;
      const response = await t.request("acme", "/workflows/batch", {
        body: {
          instances: [
            { id: taken, params: { plan: [{ do: "again" }] } },
            { id: fresh, params: { plan: [{ do: "fresh" }] } },
            { id: fresh, params: { plan: [{ do: "twice" }] } },
          ],
        },
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const expected = t.profile.batchSkipsDuplicates ? [fresh] : [taken, fresh, fresh];
      assert.deepEqual(reply(response).ids, expected, `createBatch answered ${JSON.stringify(reply(response).ids)}`);
      await t.settle();
      const first = await outputOf(t, "acme", taken);
      assert.deepEqual(
        first.markers.map((m) => m.step),
        ["first"],
        "an instance that had completed was run again by a batch that named its id",
      );
      const created = await outputOf(t, "acme", fresh);
      assertOwnTenant(created, "acme");
      assert.deepEqual(
        created.markers.map((m) => m.step),
        ["fresh"],
        "the first entry of a duplicated id is the one that runs",
      );
    },
  }),
  defineCase({
    id: "lifecycle/delete-instance",
    title: "instance.delete() on the dispatcher's binding: the instance is gone (get says not found)",
    spec: ["WF-77"],
    needs: ["hostBinding"],
    async run(t) {
      // Created on the host binding (no tenant): deleting is the platform's act, and the library gives tenants none.
      const id = await t.host.create({ plan: [{ do: "x" }] });
      await t.settle();
      await t.host.status(id);
      await t.host.control(id, "delete");
      await assert.rejects(t.host.status(id), /not_found|not found/i, `instance ${id} is still there after delete()`);
    },
  }),
];
