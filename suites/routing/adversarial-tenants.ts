/**
 * Routing against tenants that try (or happen) to look like each other: ids that collide under a normalisation,
 * params and event payloads that carry routing-looking keys, instance ids that look like another tenant's. The
 * oracle is always the creator — the tenant that issued the create — never what the instance's metadata says.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { reply, type Action } from "../probe.ts";
import { collidingTenantIds, lookalikeInstanceIds, routingLookingParams, tenantIdsOf } from "../tenant-ids.ts";
import { creatorsOutput } from "./creators-code.ts";

const FAMILIES = collidingTenantIds("acme-corp");
const COLLIDING = tenantIdsOf(FAMILIES);
const SLEEPY: Action[] = [{ do: "one" }, { sleep: "s", duration: 200 }, { do: "two" }];

export const adversarialTenantCases = [
  defineCase({
    id: "routing/colliding-tenant-ids",
    title:
      "tenants whose ids collide under lower-casing, punctuation stripping, truncation or percent-decoding each run their own code",
    spec: ["WF-05", "WL-03"],
    tenants: COLLIDING,
    async run(t) {
      const created: Array<[string, string]> = [];
      for (const tenant of COLLIDING) created.push([tenant, await t.create(tenant, { plan: SLEEPY })]);
      await t.settle();
      for (const [tenant, id] of created) await creatorsOutput(t, tenant, id, "create");
    },
  }),
  defineCase({
    id: "routing/params-cannot-choose-tenant",
    title:
      "params and event payloads carrying routing-looking keys (tenantId, tenant, a metadata envelope) do not change whose code runs",
    spec: ["WF-05", "notes: weakness 5"],
    async run(t) {
      const plan: Action[] = [{ do: "before" }, { wait: "go", type: "go", timeout: "1 hour" }, { do: "after" }];
      const single = await t.create("acme", { ...routingLookingParams("globex"), plan });
      const batch = await t.request("acme", "/workflows/batch", {
        body: { instances: [{ params: { ...routingLookingParams("initech"), plan } }] },
      });
      assert.equal(batch.status, 200, `acme's createBatch was refused: ${JSON.stringify(batch.body)}`);
      const [batched] = reply(batch).ids ?? [];
      assert.ok(batched, `acme's createBatch answered with no id: ${JSON.stringify(batch.body)}`);
      await t.advance(100);
      const sent = [];
      for (const id of [single, batched])
        sent.push(await t.sendEvent("acme", id, "go", routingLookingParams("globex")));
      await t.settle();
      // The outputs first: an instance that errored (and so refused its event) names its cause there.
      await creatorsOutput(t, "acme", single, "create with routing-looking params");
      await creatorsOutput(t, "acme", batched, "createBatch with routing-looking params");
      for (const response of sent)
        assert.equal(
          response.status,
          200,
          `acme's event to its own instance was refused: ${JSON.stringify(response.body)}`,
        );
    },
  }),
  defineCase({
    id: "routing/lookalike-instance-ids",
    title: "instance ids a tenant chooses to look like another tenant's still run the creator's code",
    spec: ["WF-05", "WF-71"],
    async run(t) {
      const n = Math.floor(Math.random() * 1e9);
      const created: Array<[string, string]> = [];
      for (const [creator, other] of [
        ["acme", "globex"],
        ["globex", "acme"],
      ]) {
        for (const id of lookalikeInstanceIds(other, n))
          created.push([creator, await t.create(creator, { plan: SLEEPY }, id)]);
      }
      await t.settle();
      for (const [creator, id] of created) await creatorsOutput(t, creator, id, `create with id "${id}"`);
    },
  }),
];
