/**
 * Bad input through the tenant-side API: every case makes one mistake a tenant (or a deploy) can make, and checks
 * that (1) the error is clear and names the problem, (2) a bystander — an instance of ANOTHER tenant, created first
 * and mid-sleep when the bad input arrives — completes with its full output, and (3) where the bad input hits an
 * instance that already committed steps, those results are still in its output.
 *
 * Assertions hold on the meaningful part of a message (targets word errors differently, docs/bad-input.md has the
 * real texts); where production and the local engine legitimately differ (limits, duplicate ids: spec §E.2, §E.5),
 * the case branches on the field of `t.profile` that names the difference (docs/profiles.md). Every error text a
 * case sees is also recorded in `OBSERVED` (helpers.ts), which only the script that writes docs/bad-input.md reads.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { probeTenant } from "../../contract/tenant-registry.ts";
import { outputOf, assertOwnTenant } from "../probe.ts";
import {
  SYNTAX_ERROR,
  THROWS_AT_TOP_LEVEL,
  assertMentions,
  badStep,
  brokenTenant,
  described,
  errorText,
  observe,
  sharedIsolateCause,
  startBystander,
  tenantModule,
  tryCreate,
  uniqueId,
} from "./helpers.ts";

export { OBSERVED, type SeenError } from "./helpers.ts";

// ------------------------------------------------------------------------------------------------ the catalogue

const STEP_CONFIG = [/Step config for "cfg"/, /invalid format/];

export const badInputCases = [
  defineCase({
    id: "bad-input/invalid-instance-id",
    plansRefusals: true,
    title: "create() with an invalid id (a space; 101 characters) is refused, naming the id problem",
    spec: ["WF-71", "§E.7"],
    async run(t) {
      const bystander = await startBystander(t);
      for (const [input, id] of [
        ['id "has space"', "has space"],
        ["id of 101 characters", "i".repeat(101)],
      ]) {
        const response = await t.request("acme", "/workflows", { body: { id, params: { plan: [{ do: "never" }] } } });
        const text = errorText(response);
        observe(t, "bad-input/invalid-instance-id", input, `http ${response.status}`, text);
        assert.ok(response.status >= 400, `${input} was accepted: ${text}`);
        assertMentions(text, [/invalid id/i], input);
      }
      await t.settle();
      await bystander();
    },
  }),
  defineCase({
    id: "bad-input/duplicate-instance-id",
    plansRefusals: true,
    title:
      "create() with an id in use: production refuses it, the local engine re-uses the instance; its committed steps survive",
    spec: ["WF-73", "§E.2"],
    async run(t) {
      const bystander = await startBystander(t);
      const id = uniqueId("dup");
      await t.create("acme", { plan: [{ do: "before" }, { sleep: "nap", duration: 300 }, { do: "after" }] }, id);
      await t.advance(100);
      const again = await tryCreate(t, "acme", { plan: [{ do: "intruder" }] }, id);
      if (t.profile.rejectDuplicateIds) {
        assert.ok(
          "refused" in again,
          `a duplicate id was accepted on a production target (got id ${"id" in again ? again.id : ""})`,
        );
        observe(t, "bad-input/duplicate-instance-id", "the same id twice", "refused", again.refused);
        assertMentions(again.refused, [/already.exists/i], "duplicate id");
      } else {
        // §E.2: the local engine does not reject a duplicate id; it re-initialises the existing instance, whose
        // params stay the first create's.
        assert.ok("id" in again, `the local engine refused a duplicate id: ${"refused" in again ? again.refused : ""}`);
        observe(t, "bad-input/duplicate-instance-id", "the same id twice", "accepted", "");
        assert.equal(again.id, id);
      }
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assertOwnTenant(output, "acme");
      assert.deepEqual(
        output.markers.map((m) => [m.step, m.attempt]),
        [
          ["before", 1],
          ["after", 1],
        ],
        "the first instance's steps were lost or replaced",
      );
      await bystander();
    },
  }),
  defineCase({
    id: "bad-input/oversized-params",
    plansRefusals: true,
    title: "params over 1 MiB: production refuses them naming the size limit, the local engine accepts them",
    spec: ["WF-04", "§E.5"],
    async run(t) {
      const bystander = await startBystander(t);
      const blob = "x".repeat(Math.ceil(1.1 * 1024 * 1024));
      const created = await tryCreate(t, "acme", { plan: [{ do: "big" }], blob });
      if (t.profile.enforceLimits) {
        assert.ok("refused" in created, "params over 1 MiB were accepted on a production target");
        observe(t, "bad-input/oversized-params", "params of 1.1 MiB", "refused", created.refused);
        assertMentions(created.refused, [/too large|exceed|limit/i, /1 ?MiB|1048576/i], "oversized params");
      } else {
        assert.ok(
          "id" in created,
          `the local engine refused params over 1 MiB: ${"refused" in created ? created.refused : ""}`,
        );
        observe(t, "bad-input/oversized-params", "params of 1.1 MiB", "accepted", "");
      }
      await t.settle();
      if ("id" in created)
        assert.deepEqual(
          (await outputOf(t, "acme", created.id)).markers.map((m) => m.step),
          ["big"],
        );
      await bystander();
    },
  }),
  defineCase({
    id: "bad-input/step-config-unknown-key",
    plansRefusals: true,
    title: "a step config with an unknown key fails that step with an error naming the step config",
    spec: ["WF-34", "§E.11"],
    run: (t) =>
      badStep(
        t,
        "bad-input/step-config-unknown-key",
        'config key "tiemout"',
        { do: "cfg", catch: true, config: { retries: { limit: 1, delay: 10 }, tiemout: "1 minute" } },
        STEP_CONFIG,
      ),
  }),
  defineCase({
    id: "bad-input/step-config-retries-without-delay",
    plansRefusals: true,
    title: "retries without a delay fails that step with an error naming the step config",
    spec: ["WF-34", "§E.11"],
    run: (t) =>
      badStep(
        t,
        "bad-input/step-config-retries-without-delay",
        "retries: {limit: 3}",
        { do: "cfg", catch: true, config: { retries: { limit: 3 } } },
        STEP_CONFIG,
      ),
  }),
  defineCase({
    id: "bad-input/step-config-negative-limit",
    plansRefusals: true,
    title: "a negative retries.limit fails that step with an error naming the step config",
    spec: ["WF-34", "§E.11"],
    run: (t) =>
      badStep(
        t,
        "bad-input/step-config-negative-limit",
        "retries.limit -1",
        { do: "cfg", catch: true, config: { retries: { limit: -1, delay: 10 } } },
        STEP_CONFIG,
      ),
  }),
  defineCase({
    id: "bad-input/sleep-invalid-duration",
    plansRefusals: true,
    title: 'sleep("nap", "5 parsecs") fails the instance with an error naming the duration',
    spec: ["WF-33"],
    run: (t) =>
      badStep(t, "bad-input/sleep-invalid-duration", 'sleep "5 parsecs"', { sleep: "nap", duration: "5 parsecs" }, [
        /5 parsecs/,
        /duration/i,
      ]),
  }),
  defineCase({
    id: "bad-input/step-name-too-long",
    plansRefusals: true,
    title: "a step name over 256 characters fails that step with an error naming the length limit",
    spec: ["WF-11"],
    run: (t) =>
      badStep(t, "bad-input/step-name-too-long", "step name of 257 characters", { do: "n".repeat(257), catch: true }, [
        /step name/i,
        /256/,
      ]),
  }),
  defineCase({
    id: "bad-input/event-type-invalid",
    plansRefusals: true,
    title:
      'sendEvent with type "bad.type": production refuses it naming the type rule, the local engine accepts it; the waiter is unaffected',
    spec: ["WF-61", "§E.5"],
    async run(t) {
      const bystander = await startBystander(t);
      const id = await t.create("acme", {
        plan: [{ do: "first" }, { wait: "approval", type: "go", timeout: "1 hour" }, { do: "last" }],
      });
      await t.advance(100);
      const sent = await t.sendEvent("acme", id, "bad.type", { bad: true });
      if (t.profile.enforceLimits) {
        const text = errorText(sent);
        observe(t, "bad-input/event-type-invalid", 'sendEvent type "bad.type"', `http ${sent.status}`, text);
        assert.ok(sent.status >= 400, `an event type with a "." was accepted on a production target`);
        assertMentions(text, [/invalid.event.type/i], "invalid event type");
      } else {
        observe(
          t,
          "bad-input/event-type-invalid",
          'sendEvent type "bad.type"',
          `http ${sent.status}`,
          sent.status === 200 ? "" : errorText(sent),
        );
        assert.equal(
          sent.status,
          200,
          `the local engine refused an event type it does not validate: ${errorText(sent)}`,
        );
      }
      const good = await t.sendEvent("acme", id, "go", { good: true });
      assert.equal(good.status, 200, errorText(good));
      await t.settle();
      const output = await outputOf(t, "acme", id);
      assertOwnTenant(output, "acme");
      assert.deepEqual(
        output.markers.map((m) => [m.step, m.event ?? m.attempt, m.payload ?? null]),
        [
          ["first", 1, null],
          ["approval", "go", { good: true }],
          ["last", 1, null],
        ],
      );
      await bystander();
    },
  }),
  defineCase({
    id: "bad-input/tenant-code-syntax-error",
    plansRefusals: true,
    title: "a tenant whose code fails to parse: its requests fail naming the syntax error, other tenants keep working",
    spec: ["WL-02", "WL-19"],
    run: (t) =>
      brokenTenant(t, "bad-input/tenant-code-syntax-error", "tenant module with a syntax error", SYNTAX_ERROR, [
        /SyntaxError/,
        /index\.js/,
      ]),
  }),
  defineCase({
    id: "bad-input/tenant-code-throws-at-top-level",
    plansRefusals: true,
    title: "a tenant whose module throws at top level: its requests fail with that error, other tenants keep working",
    spec: ["WL-19"],
    run: (t) =>
      brokenTenant(
        t,
        "bad-input/tenant-code-throws-at-top-level",
        "tenant module that throws at top level",
        THROWS_AT_TOP_LEVEL,
        [/tenant top-level failure/],
      ),
  }),
  defineCase({
    id: "bad-input/tenant-unknown",
    plansRefusals: true,
    title:
      "a tenant with no code deployed: the dispatcher refuses its request with an error status (its own wording), and other tenants go on",
    spec: ["WL-06", "WL-02"],
    async run(t) {
      const bystander = await startBystander(t);
      // Not in the harness's registry, and (starting with "no-such/") not served by the deployed tenants worker
      // either, which serves the probe for any other id: so the case means the same on the remote target.
      const tenant = "no-such/tenant";
      const response = await t.request(tenant, "/workflows", { body: { params: { plan: [{ do: "never" }] } } });
      const text = errorText(response);
      observe(t, "bad-input/tenant-unknown", `tenant "${tenant}"`, `http ${response.status}`, text);
      // Only the status is contract: how a dispatcher words "no such tenant" is its own (the reference says "no code
      // for tenant", a platform may say "unknown site"). A success is explained when the tenant got another's isolate.
      const shared = response.status < 400 ? sharedIsolateCause(t, tenant) : undefined;
      assert.ok(
        response.status >= 400,
        `a request for a tenant with no code was not refused: ${shared ?? `HTTP ${response.status} ${text}`}`,
      );
      await t.settle();
      await bystander();
    },
  }),
  defineCase({
    id: "bad-input/broken-deploy-mid-sleep",
    plansRefusals: true,
    title:
      "a tenant redeployed with a syntax error while its instance sleeps: its requests fail naming the syntax error; production fails the instance with it (code policy latest), a pinned dispatcher and the local engine finish it on the original code",
    spec: ["WL-02", "WF-05", "WF-08"],
    needs: ["evictIsolates"],
    async run(t) {
      const bystander = await startBystander(t);
      const id = await t.create("acme", { plan: [{ do: "before" }, { sleep: "nap", duration: 300 }, { do: "after" }] });
      await t.advance(100);
      t.tenants.set("acme", tenantModule("export class TenantWorkflow { run( {"));
      await t.evict();
      await t.settle();
      const refused = await t.request("acme", `/workflows/${encodeURIComponent(id)}`);
      const text = errorText(refused);
      observe(
        t,
        "bad-input/broken-deploy-mid-sleep",
        "redeploy with a syntax error, then a request",
        `http ${refused.status}`,
        text,
      );
      assert.notEqual(refused.status, 200, `a request to the broken tenant succeeded: ${text}`);
      assertMentions(text, [/SyntaxError/, /index\.js/], "broken deploy");
      await bystander();
      // A fixed deploy, to read acme's instance through acme's own API.
      t.tenants.set("acme", probeTenant("acme", "v2"));
      await t.evict();
      const view = await t.status("acme", id);
      // A dispatcher that pins the code version at creation reloads the original code on wake, whatever is deployed
      // since (adapter codeVersion "pinned"); one that loads the latest deploy gets the broken code.
      const pinned = (t.subject?.codeVersion ?? "latest") === "pinned";
      if (t.profile.hibernatesOnWait && !pinned) {
        // Production replays run() after the sleep (WF-08): the replay loads the broken code and fails with it.
        assert.equal(view.status, "errored", `expected the instance to fail on the broken code, got ${view.status}`);
        observe(
          t,
          "bad-input/broken-deploy-mid-sleep",
          "the sleeping instance after the broken redeploy",
          "errored",
          described(view.error),
        );
        assertMentions(described(view.error), [/SyntaxError/, /index\.js/], "broken deploy mid-sleep");
      } else {
        // The local engine never hibernates (WF-08): run() goes on in the isolate it started in, with the old code;
        // under a pinned policy the replay loads the version the instance was created with.
        const output = await outputOf(t, "acme", id);
        observe(
          t,
          "bad-input/broken-deploy-mid-sleep",
          "the sleeping instance after the broken redeploy",
          pinned ? "complete (pinned version)" : "complete (old isolate)",
          "",
        );
        assertOwnTenant(output, "acme");
        assert.deepEqual(
          output.markers.map((m) => [m.step, m.codeVersion]),
          [
            ["before", "v1"],
            ["after", "v1"],
          ],
        );
      }
    },
  }),
];
