/**
 * Tenant isolation on the binding methods the library does NOT pass through: `instance.delete()`, `deleteBatch`,
 * `subscribe()` and `createBatch`'s object form (WF-75, WF-77, WF-84). `@cloudflare/dynamic-workflows` 0.1.1 wraps only
 * `create`, `createBatch` (array form, `batch.map`) and `get`, and its instance handle only `status`, `pause`,
 * `resume`, `terminate`, `restart` and `sendEvent`; so through the library a tenant reaches none of them. A dispatcher
 * that adds them for its tenants must scope them: these cases FAIL (not a finding: the hole is the dispatcher's own,
 * not inherited from the library) when a tenant can delete, batch-create over, or read the event stream of another
 * tenant's instance.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import type { RunningTarget, TargetResponse } from "../../contract/target.ts";
import { outputOf, reply, steps } from "../probe.ts";

const FIX =
  "Scope every id the tenant passes to the tenant (the per-tenant prefix of docs/findings.md#the-fix-a-hardened-dispatcher), or do not hand the method to tenants at all (the library does not).";

/** An instance of acme's that sleeps a little, so it is alive while globex tries its luck. */
async function acmeInstance(t: RunningTarget): Promise<string> {
  return t.create("acme", { plan: [{ do: "before" }, { sleep: "nap", duration: 1000 }, { do: "after" }] });
}

function described(response: TargetResponse): string {
  return `HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`;
}

export const bindingReachCases = [
  defineCase({
    id: "isolation/cross-tenant-delete",
    plansRefusals: true,
    title: "a tenant cannot delete another tenant's instance (instance.delete(), deleteBatch)",
    spec: ["WF-77", "notes: weakness 1"],
    async run(t) {
      const id = await acmeInstance(t);
      await t.advance(200);
      const single = await t.control("globex", id, "delete");
      const batch = await t.request("globex", "/workflows/delete-batch", { body: { ids: [id] } });
      await t.settle();
      const after = await t.request("acme", `/workflows/${encodeURIComponent(id)}`);
      assert.equal(
        after.status,
        200,
        `tenant globex deleted acme's instance ${id} through its own wrapped binding (globex's instance.delete(): ${described(single)}; deleteBatch: ${described(batch)}); acme's status now answers ${described(after)}. Deleting is irreversible and runs no rollbacks. ${FIX}`,
      );
      assert.deepEqual(steps(await outputOf(t, "acme", id)), ["before", "after"], "acme's instance did not finish");
    },
  }),
  defineCase({
    id: "isolation/cross-tenant-batch-create",
    plansRefusals: true,
    title: "a tenant cannot batch-create over another tenant's instance (array or object form of createBatch)",
    spec: ["WF-75", "WF-73", "notes: weakness 2"],
    async run(t) {
      const id = await t.create("acme", { plan: [{ do: "acme-step" }] });
      await t.settle();
      const mine = await outputOf(t, "acme", id);
      const globexPlan = { plan: [{ do: "globex-step" }] };
      const arrayForm = await t.request("globex", "/workflows/batch", {
        body: { instances: [{ id, params: globexPlan }] },
      });
      const objectForm = await t.request("globex", "/workflows/batch", {
        body: { options: { instances: [{ id, params: globexPlan }] } },
      });
      await t.settle();
      const after = await outputOf(t, "acme", id);
      assert.equal(
        after.tenant,
        "acme",
        `acme's instance ${id} now holds ${after.tenant}'s output after globex's batch`,
      );
      assert.deepEqual(
        after,
        mine,
        `acme's finished instance ${id} changed after tenant globex batch-created the same id (array form: ${described(arrayForm)}; object form: ${described(objectForm)}). ${FIX}`,
      );
    },
  }),
  defineCase({
    id: "isolation/cross-tenant-subscribe",
    plansRefusals: true,
    title: "a tenant cannot subscribe to another tenant's instance's events",
    spec: ["WF-84", "notes: weakness 1"],
    async run(t) {
      const id = await acmeInstance(t);
      await t.advance(200);
      const peek = await t.request("globex", `/workflows/${encodeURIComponent(id)}/subscribe`, { method: "POST" });
      const events = (reply(peek) as { events?: { instanceId?: string }[] }).events ?? [];
      assert.ok(
        !(peek.status === 200 && events.length > 0),
        `tenant globex subscribed to acme's instance ${id} through its own wrapped binding and read ${JSON.stringify(events).slice(0, 200)}: an instance's events carry its params and outputs. ${FIX}`,
      );
      await t.settle();
      await outputOf(t, "acme", id);
    },
  }),
];
