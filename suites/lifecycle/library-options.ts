/**
 * The options of `terminate({rollback})` (WF-82 / WF-43) and `restart({from})` (WF-83) through the tenant's wrapped
 * binding. `@cloudflare/dynamic-workflows` 0.1.1's instance stub calls `terminate()` and `restart()` with no
 * arguments, so a tenant that asks for them gets a plain terminate (no rollback runs) or a plain restart (from the
 * top, no error for a step that does not exist). Each case reports that as a finding about the library; with a
 * binding that passes the options on, the case checks what the option does.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import type { TargetResponse } from "../../contract/target.ts";

const STUB_FIX =
  "In the dispatcher, give tenants an instance handle whose terminate(options) and restart(options) pass their options on to the real instance (the library's InstanceStub drops them).";

function described(response: TargetResponse): string {
  return `HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`;
}

export const libraryOptionCases = [
  defineCase({
    id: "lifecycle/terminate-rollback-through-library",
    title: "terminate({rollback: true}) through the tenant's binding runs the registered rollbacks",
    spec: ["WF-82", "WF-43"],
    async run(t, ctx) {
      const receipt = `receipt-terminate-${Math.floor(Math.random() * 1e9)}`;
      const id = await t.create("acme", {
        plan: [
          { do: "hold", rollback: true, receipt },
          { sleep: "nap", duration: "1 hour" },
        ],
      });
      await t.advance(200);
      const terminated = await t.request("acme", `/workflows/${encodeURIComponent(id)}/terminate`, {
        body: { rollback: true },
      });
      assert.equal(terminated.status, 200, `terminate({rollback: true}) failed: ${described(terminated)}`);
      await t.settle();
      const view = await t.status("acme", id);
      assert.equal(view.status, "terminated", `after terminate({rollback: true}): ${view.status}`);
      const rolledBack = await t.status("acme", receipt).then(
        (r) => r.status === "complete",
        () => false,
      );
      if (!rolledBack) {
        ctx.finding({
          key: "terminate-rollback-dropped",
          about: "library",
          fix: STUB_FIX,
          severity: "medium",
          title: "terminate({rollback: true}) through the library terminates without running the rollbacks",
          explanation: `Tenant acme terminated its instance ${id} with { rollback: true }; the instance is terminated, but the rollback handler of its committed step "hold" never ran (its receipt ${receipt} does not exist). The library's InstanceStub calls terminate() without its options, so a saga a tenant cancels is not compensated.`,
        });
      }
    },
  }),
  defineCase({
    id: "lifecycle/restart-from-through-library",
    plansRefusals: true,
    title: "restart({from}) through the tenant's binding is honoured: a step not in the history is refused",
    spec: ["WF-83"],
    async run(t, ctx) {
      const id = await t.create("acme", { plan: [{ do: "first" }] });
      await t.settle();
      const restarted = await t.request("acme", `/workflows/${encodeURIComponent(id)}/restart`, {
        body: { from: { name: "no-such-step" } },
      });
      await t.settle();
      if (restarted.status === 200) {
        ctx.finding({
          key: "restart-from-dropped",
          about: "library",
          fix: STUB_FIX,
          severity: "medium",
          title: "restart({from}) through the library restarts from the top",
          explanation: `Tenant acme restarted its instance ${id} from a step that is not in its history ("no-such-step"), which the engine refuses (WF-83); through the wrapped binding the restart was accepted and ran from the top. The library's InstanceStub calls restart() without its options, so a tenant cannot restart from a step: every restart re-runs every step.`,
        });
      } else {
        assert.match(
          JSON.stringify(restarted.body),
          /not found in execution history|cannot_restart/i,
          `restart({from: "no-such-step"}) was refused for another reason: ${described(restarted)}`,
        );
      }
      const view = await t.status("acme", id);
      assert.equal(view.status, "complete", `after the restart: ${view.status}`);
    },
  }),
];
