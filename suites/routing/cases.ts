/** Routing: every step of every instance runs its own tenant's code, across everything that reloads it. */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { assertOwnTenant, outputOf, steps, type Action } from "../probe.ts";
import { adversarialTenantCases } from "./adversarial-tenants.ts";
import { bindingPathCases } from "./binding-paths.ts";
import { rollbackRoutingCases } from "./rollbacks.ts";

const SLEEPY: Action[] = [{ do: "before" }, { sleep: "nap", duration: 300 }, { do: "after" }];

export const routingCases = [
  defineCase({
    id: "routing/own-tenant-every-step",
    title: "three tenants, concurrent instances: each step runs the creating tenant's code",
    spec: ["WF-05", "WF-12"],
    async run(t) {
      const tenants = ["acme", "globex", "initech"];
      const created: Array<[string, string]> = [];
      for (let i = 0; i < 6; i++) {
        const tenant = tenants[i % 3];
        created.push([
          tenant,
          await t.create(tenant, {
            plan: [{ do: "one" }, { sleep: "s", duration: 200 }, { do: "two" }, { do: "three" }],
          }),
        ]);
      }
      await t.settle();
      for (const [tenant, id] of created) {
        const output = await outputOf(t, tenant, id);
        assertOwnTenant(output, tenant);
        assert.deepEqual(steps(output), ["one", "two", "three"]);
        assert.equal(output.instanceId, id);
      }
    },
  }),
  defineCase({
    id: "routing/cached-step-survives-reload",
    title: "a step finished before a sleep is not re-run after it; the replay reuses its cached marker",
    spec: ["WF-05", "WF-14", "WF-52"],
    async run(t) {
      const id = await t.create("acme", { plan: SLEEPY });
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assertOwnTenant(output, "acme");
      assert.deepEqual(
        output.markers.map((m) => [m.step, m.attempt]),
        [
          ["before", 1],
          ["after", 1],
        ],
      );
    },
  }),
  defineCase({
    id: "routing/reload-after-eviction",
    title: "an isolate evicted during a sleep is reloaded with the same tenant's code",
    spec: ["WL-04", "WL-21"],
    needs: ["evictIsolates"],
    async run(t) {
      const ids = [await t.create("acme", { plan: SLEEPY }), await t.create("globex", { plan: SLEEPY })];
      await t.advance(100);
      await t.evict();
      await t.settle();
      for (const [tenant, id] of [
        ["acme", ids[0]],
        ["globex", ids[1]],
      ]) {
        const output = await outputOf(t, tenant, id);
        assertOwnTenant(output, tenant);
        assert.notEqual(
          output.markers[1].isolate,
          output.markers[0].isolate,
          "the step after the eviction ran in a new isolate",
        );
      }
    },
  }),
  defineCase({
    id: "routing/crash-while-sleeping",
    title:
      "an instance sleeping when the runtime crashes completes after recovery with its own code, finished steps not re-run",
    spec: ["WF-52", "WF-90", "LE-07"],
    needs: ["crash"],
    async run(t) {
      const id = await t.create("globex", {
        plan: [{ do: "before" }, { sleep: "nap", duration: 800 }, { do: "after" }],
      });
      await t.advance(150);
      await t.crash();
      await t.settle();
      const output = await outputOf(t, "globex", id);
      assertOwnTenant(output, "globex");
      assert.deepEqual(
        output.markers.map((m) => [m.step, m.attempt]),
        [
          ["before", 1],
          ["after", 1],
        ],
      );
      assert.notEqual(
        output.markers[1].isolate,
        output.markers[0].isolate,
        "the crash dropped the isolate; 'before' came from the cache",
      );
    },
  }),
  defineCase({
    id: "routing/crash-mid-step",
    title: "a crash after a step's side effect, before its commit, re-runs that step once, in the same tenant",
    spec: ["WF-90"],
    needs: ["crashPoints", "trace"],
    async run(t) {
      const id = await t.create("initech", {
        plan: [{ sleep: "s", duration: 100 }, { do: "fragile" }, { do: "after" }],
      });
      // By step name, not instance id: the only instance here, and a dispatcher may store it under another id than
      // the one its tenant sees (tenant-prefixed ids), which the engine's crash points and trace name.
      t.crashAt("afterStepCallback", { step: "fragile" });
      await t.settle();
      const output = await outputOf(t, "initech", id);
      assertOwnTenant(output, "initech");
      const attempts = t.trace().filter((e) => e.type === "step.attempt" && e.step === "fragile");
      assert.equal(attempts.length, 2, "the interrupted step ran twice in all");
    },
  }),
  defineCase({
    id: "routing/thirty-day-sleep",
    title: "a 30-day sleep ends with the same tenant's code",
    spec: ["WF-50", "WF-52"],
    needs: ["virtualTime"],
    async run(t) {
      const id = await t.create("acme", {
        plan: [{ do: "before" }, { sleep: "month", duration: "30 days" }, { do: "after" }],
      });
      await t.settle();
      assertOwnTenant(await outputOf(t, "acme", id), "acme");
    },
  }),
  defineCase({
    id: "routing/metadata-in-params-cannot-spoof",
    title: "params that carry their own __dispatcherMetadata do not change routing (the envelope is nested)",
    spec: ["notes: weakness 5"],
    async run(t) {
      const id = await t.create("acme", {
        __dispatcherMetadata: { tenantId: "globex" },
        params: { plan: [{ do: "x" }] },
      });
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assertOwnTenant(output, "acme");
    },
  }),
  defineCase({
    id: "routing/missing-metadata-fails-clearly",
    title: "an instance created without the envelope fails with the library's MissingDispatcherMetadataError",
    spec: ["notes: error texts"],
    needs: ["hostBinding"],
    async run(t) {
      const id = await t.host.create({ plan: [{ do: "x" }] });
      await t.settle();
      // Read from the host: the instance belongs to no tenant, and a tenant-scoped dispatcher rightly hides it.
      const view = await t.host.status(id);
      assert.equal(view.status, "errored");
      assert.match(String(view.error?.message), /missing dispatcher metadata/);
    },
  }),
  ...bindingPathCases,
  ...adversarialTenantCases,
  ...rollbackRoutingCases,
];
