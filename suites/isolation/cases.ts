/**
 * Tenant isolation through the tenant-side API. A multi-tenant dispatcher is a security boundary: each case either
 * passes or reports a FINDING about the subject (severity + plain explanation). A finding is not a harness failure.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { tenantBindingOf } from "../../contract/subject.ts";
import { expectStatus, outputOf, reply } from "../probe.ts";

/** Where every isolation finding's fix is explained, with the dispatcher pattern that passes these cases. */
const PATTERN = "the hardened dispatcher pattern: docs/findings.md#the-fix-a-hardened-dispatcher";

const WAITING_PLAN = [{ wait: "approval", type: "approve", timeout: "1 hour", catch: true }, { do: "after" }];

export const isolationCases = [
  defineCase({
    id: "isolation/cross-tenant-read",
    plansRefusals: true,
    title: "a tenant cannot read another tenant's instance (status, output, errors) through its wrapped binding",
    spec: ["notes: weakness 1"],
    async run(t, ctx) {
      const id = await t.create("acme", { plan: [{ do: "secret" }] });
      await t.settle();
      await outputOf(t, "acme", id);
      const peek = await t.request("globex", `/workflows/${id}`);
      if (peek.status === 200 && reply(peek).status) {
        ctx.finding({
          key: "get-not-tenant-scoped",
          about: "library",
          fix: `In the dispatcher, give each tenant a binding whose get(id) only reaches that tenant's instances: prefix every id with a per-tenant key on create and get, or check the instance's tenant metadata before answering (${PATTERN}).`,
          severity: "high",
          title: "get() is not tenant-scoped: a tenant reads another tenant's instance",
          explanation: `Tenant globex called ${tenantBindingOf(t.subject)}.get(<acme's id>) and got acme's status "${reply(peek).status}"${reply(peek).output ? " and its output" : ""}. The wrapped binding forwards get(id) unchecked, so any tenant that learns or guesses an id can read it. Check the instance's metadata in the dispatcher before returning it (the library does not).`,
        });
      } else {
        assert.notEqual(peek.status, 200, "refused reads must not answer 200");
      }
    },
  }),
  defineCase({
    id: "isolation/cross-tenant-event",
    plansRefusals: true,
    title: "a tenant cannot send an event to another tenant's instance",
    spec: ["notes: weakness 1", "WF-68"],
    async run(t, ctx) {
      const id = await t.create("acme", { plan: WAITING_PLAN });
      await t.advance(200);
      const sent = await t.sendEvent("globex", id, "approve", { forgedBy: "globex" });
      await t.advance(200);
      // A refused forgery leaves the instance waiting (for an hour): its owner approves it, as it would. When the
      // forgery got through, the wait is over and acme's own event finds nothing to wake (a planned refusal).
      await t.sendEvent("acme", id, "approve", { by: "acme" });
      await t.settle();
      const output = await outputOf(t, "acme", id);
      const delivered = output.markers[0]?.payload as { forgedBy?: string; by?: string } | undefined;
      if (sent.status === 200 && delivered?.forgedBy === "globex") {
        ctx.finding({
          key: "send-event-across-tenants",
          about: "library",
          fix: `In the dispatcher, scope sendEvent's instance id to the tenant (the same per-tenant prefix as create), so an id of another tenant is not found (${PATTERN}).`,
          severity: "high",
          title: "sendEvent() across tenants: a tenant can drive another tenant's workflow",
          explanation:
            "Tenant globex sent an \"approve\" event to acme's waiting instance and acme's workflow consumed it as genuine. Events are how humans and systems approve steps; the dispatcher must refuse instances of other tenants.",
        });
      } else {
        assert.equal(delivered?.by, "acme", `acme's instance consumed ${JSON.stringify(delivered)}, not acme's event`);
      }
    },
  }),
  defineCase({
    id: "isolation/cross-tenant-terminate",
    plansRefusals: true,
    title: "a tenant cannot terminate another tenant's instance",
    spec: ["notes: weakness 1", "WF-82"],
    async run(t, ctx) {
      const id = await t.create("acme", {
        plan: [{ do: "before" }, { sleep: "nap", duration: 1000 }, { do: "after" }],
      });
      await t.advance(200);
      const response = await t.control("globex", id, "terminate");
      await t.settle();
      const view = await t.status("acme", id);
      if (response.status === 200 && view.status === "terminated") {
        ctx.finding({
          key: "terminate-across-tenants",
          about: "library",
          fix: `In the dispatcher, scope the instance id of terminate/pause/resume/restart to the tenant (the same per-tenant prefix as create), so an id of another tenant is not found (${PATTERN}).`,
          severity: "high",
          title: "terminate()/pause() across tenants: a tenant can stop another tenant's workflow",
          explanation:
            "Tenant globex terminated acme's running instance through its own wrapped binding. Any tenant that knows an id can destroy another tenant's durable job.",
        });
      } else {
        assert.equal(view.status, "complete", `acme's instance should be untouched, got ${view.status}`);
      }
    },
  }),
  defineCase({
    id: "isolation/shared-id-space",
    plansRefusals: true,
    title: "instance ids are per tenant: two tenants using the same id do not collide",
    spec: ["notes: weakness 2", "WF-73"],
    async run(t, ctx) {
      const id = `order-${Math.floor(Math.random() * 1e9)}`;
      await t.create("acme", { plan: [{ do: "acme-step" }] }, id);
      const collision = await t.request("globex", "/workflows", {
        body: { id, params: { plan: [{ do: "globex-step" }] } },
      });
      await t.settle();
      const acme = await outputOf(t, "acme", id);
      assert.equal(acme.tenant, "acme", "acme's instance must still be acme's");
      // Ids per tenant (a dispatcher that scopes them): globex got an instance of its own under the same id.
      if (collision.status === 200 && (await outputOf(t, "globex", id)).tenant === "globex") return;
      if (collision.status !== 200) {
        ctx.finding({
          key: "one-id-space",
          about: "library",
          fix: `In the dispatcher, prefix every instance id with a per-tenant key on the way in (create, createBatch, get) and hide it from the tenant, so two tenants' ids never meet (${PATTERN}).`,
          severity: "medium",
          title: "one id space for all tenants: a tenant learns which ids other tenants use",
          explanation: `globex's create with an id acme already used was refused (${JSON.stringify(reply(collision).error?.message ?? collision.body).slice(0, 120)}). Ids are not namespaced per tenant, so ids collide across tenants and a refusal tells one tenant that another used the id. Prefix ids with the tenant in the dispatcher.`,
        });
      } else {
        ctx.finding({
          key: "one-id-space-silent",
          about: "library",
          fix: `In the dispatcher, prefix every instance id with a per-tenant key on the way in (create, createBatch, get) and hide it from the tenant, so two tenants' ids never meet (${PATTERN}).`,
          severity: "high",
          title: "one id space for all tenants: a colliding create silently returns another tenant's instance",
          explanation:
            "globex created an instance with an id acme already used and got a success back, but no instance of its own: the local engine re-uses the existing one (§E.2). globex now holds a handle to acme's instance. Prefix ids with the tenant in the dispatcher.",
        });
      }
    },
  }),
  defineCase({
    id: "isolation/no-shared-module-state",
    title: "two tenants' isolates share no globals and no module state",
    spec: ["WL-03", "mission: isolation"],
    async run(t) {
      // Workers never promises that two requests of one tenant reach the same isolate (a dispatcher may load a fresh
      // one each time), so the case compares isolates as the replies name them, not by request order.
      const written = await t.request("acme", "/state", { body: { value: "acme-secret" } });
      assert.equal(written.status, 200, `acme's POST /state answered ${written.status}`);
      const acmeIsolate = reply(written).isolate;
      assert.ok(acmeIsolate?.startsWith("acme/"), `acme's write ran in isolate ${acmeIsolate}`);
      const globex = reply(await t.request("globex", "/state"));
      assert.equal(globex.tenant, "globex", "globex's request reached another tenant's code");
      assert.notEqual(globex.isolate, acmeIsolate, "globex's request ran in the isolate acme wrote its global in");
      assert.notEqual(globex.global, "acme-secret", "globex saw acme's global");
      // Not vacuous: when acme reaches its isolate again, the global is there, so module state does survive a
      // request and globex not seeing it means something. A fresh isolate for acme proves nothing either way.
      const acme = reply(await t.request("acme", "/state"));
      if (acme.isolate === acmeIsolate) assert.equal(acme.global, "acme-secret", "acme's own global was lost");
    },
  }),
  defineCase({
    id: "isolation/outbound-blocked",
    title: "tenant code cannot reach the internet (globalOutbound: null)",
    spec: ["WL-13"],
    async run(t) {
      const response = await t.request("acme", "/outbound");
      assert.equal(
        reply(response).blocked,
        true,
        `fetch() from tenant code was not blocked: ${JSON.stringify(response.body)}`,
      );
    },
  }),
  defineCase({
    id: "isolation/create-without-params",
    title: "create() without params through the wrapped binding runs the tenant's workflow",
    spec: ["notes: weakness 3", "WF-04"],
    async run(t, ctx) {
      // params undefined: the request body is {} and the tenant calls create({}) on its wrapped binding.
      const id = await t.create("acme", undefined);
      await t.settle();
      const view = await t.status("acme", id);
      if (view.status === "errored" && /missing dispatcher metadata/.test(String(view.error?.message))) {
        ctx.finding({
          key: "create-without-params",
          about: "library",
          fix: `In the dispatcher's binding, always pass params to the library (\`params ?? {}\`) on create and createBatch, so the envelope survives JSON (${PATTERN}).`,
          severity: "high",
          title: "create() without params loses the tenant tag when create options are sent as JSON",
          explanation:
            "The wrapped binding sends { params: { __dispatcherMetadata, params: undefined } }; production's Workflow binding encodes create options as JSON, which drops `params: undefined`, so the envelope check (`\"params\" in payload`) fails: the instance errors with MissingDispatcherMetadataError. Inferred from workerd's source, not run on Cloudflare. Tenants should always pass params (even {}), or the library should not rely on the key being present.",
        });
      } else {
        await expectStatus(t, "acme", id, "complete");
      }
    },
  }),
];
