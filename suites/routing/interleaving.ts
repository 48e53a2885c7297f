/**
 * Routing under real interleaving. A dispatcher that keeps per-request state in module scope (a "current tenant"
 * global, a memo of the last runner) is only wrong when two tenants' work overlaps inside its one isolate: two first
 * loads in flight at once, or another tenant's request between an instance's wakes. Sequential awaits never overlap,
 * and a harness request of the instance's own tenant just before a wake (a status poll) can put a wrong global back
 * to the right value. So this case, written for real-time targets as much as for virtual time:
 *
 * - fires every creator's creates in one burst (concurrent requests, so the tenants' first loads overlap);
 * - between the wakes, lets every tenant talk to the dispatcher and a bystander tenant — one that owns no instance —
 *   talk last, so whatever a dispatcher remembers from a request is never the waking instance's own tenant;
 * - waits for the wakes with plain time (no request at all), and only then reads the outputs, so no harness request
 *   can repair a wrong state before the check.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import type { RunningTarget } from "../../contract/target.ts";
import { assertOwnTenant, outputOf, steps, type Action } from "../probe.ts";

const CREATORS = ["acme", "globex", "initech"] as const;
/** Talks to the dispatcher last before every wake; owns one instance that never sleeps, so no wake is its own. */
const BYSTANDER = "umbrella";
const INSTANCES_PER_CREATOR = 2;
/** Long enough on a busy real-time target for every instance to be asleep before the traffic, short enough to stay quick. */
const NAP_MS = 1_000;
/** After the traffic, how long to wait without a request: the nap's rest plus a margin for a loaded machine. */
const QUIET_MS = NAP_MS + 500;

const PLAN: Action[] = [
  { do: "one" },
  { sleep: "first-nap", duration: NAP_MS },
  { do: "two" },
  { sleep: "second-nap", duration: NAP_MS },
  { do: "three" },
];

/**
 * Every creator reads one of its instances at once, then the bystander reads its own last (what a "last request"
 * memo keeps). Reads through /workflows: the one path every target carries (the remote control API has no /state).
 */
async function crossTraffic(t: RunningTarget, created: readonly Created[], bystanderId: string): Promise<void> {
  await Promise.all(CREATORS.map((tenant) => t.status(tenant, created.find((c) => c.tenant === tenant)!.id)));
  await t.status(BYSTANDER, bystanderId);
}

interface Created {
  tenant: string;
  id: string;
}

export const interleavingCases = [
  defineCase({
    id: "routing/interleaved-tenants",
    title:
      "creates of three tenants in flight at once, a bystander's request last before each wake: every step runs its creator's code",
    spec: ["WF-05", "WF-12", "WL-03"],
    tenants: [...CREATORS, BYSTANDER],
    async run(t) {
      // One burst: no create awaits another, so the first loads of the three tenants overlap in the dispatcher.
      const created: Created[] = await Promise.all(
        CREATORS.flatMap((tenant) =>
          Array.from({ length: INSTANCES_PER_CREATOR }, async () => ({
            tenant,
            id: await t.create(tenant, { plan: PLAN }),
          })),
        ),
      );
      const bystanderId = await t.create(BYSTANDER, { plan: [{ do: "bystander" }] });
      for (let wake = 0; wake < 2; wake++) {
        await crossTraffic(t, created, bystanderId);
        await t.advance(QUIET_MS);
      }
      // Every instance should be done by now; settle only waits for a slow machine (its polls come after the wakes).
      await t.settle();
      assertOwnTenant(await outputOf(t, BYSTANDER, bystanderId), BYSTANDER);
      for (const { tenant, id } of created) {
        const output = await outputOf(t, tenant, id);
        assertOwnTenant(output, tenant);
        assert.deepEqual(steps(output), ["one", "two", "three"], `the steps of ${tenant}'s instance ${id}`);
      }
    },
  }),
];
