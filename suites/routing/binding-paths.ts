/**
 * Every path through the tenant's wrapped binding — create, createBatch, get, and through get's handle sendEvent,
 * pause, resume, terminate and restart — with a routing check on each: the instance that path made, woke or
 * restarted runs its creator's code. Each case runs two tenants whose ids differ only in case, interleaved, so a
 * path that reaches the wrong isolate shows.
 *
 * createBatch: only the array form is tested. Production's binding also takes an object (`{ instances }`, `{ count }`,
 * WF-75), but the library's wrapper maps over its argument (an object throws "batch.map is not a function" inside
 * the dispatcher) and the local engine has only the array form, so no dispatcher built on the library can offer it.
 */
import assert from "node:assert/strict";
import { defineCase } from "../../contract/case.ts";
import { expectStatus, reply, type Action } from "../probe.ts";
import { collidingTenantIds } from "../tenant-ids.ts";
import { creatorsOutput } from "./creators-code.ts";

const FAMILIES = collidingTenantIds("acme-corp");
/** Two tenants whose ids collide under lower-casing (the first family). */
const PAIR = FAMILIES[0].ids.slice(0, 2);
const SLEEPY: Action[] = [{ do: "before" }, { sleep: "nap", duration: 1000 }, { do: "after" }];

async function ok(tenant: string, action: string, id: string, send: Promise<{ status: number; body: unknown }>) {
  const response = await send;
  assert.equal(
    response.status,
    200,
    `${tenant}'s ${action} of its own instance ${id} was refused: ${JSON.stringify(response.body)}`,
  );
}

export const bindingPathCases = [
  defineCase({
    id: "routing/create-batch",
    title: "createBatch tags every instance of the batch with its creator: each runs the creator's code",
    spec: ["WF-05", "WF-75"],
    tenants: PAIR,
    async run(t) {
      const created: Array<[string, string]> = [];
      for (const [i, tenant] of PAIR.entries()) {
        const response = await t.request(tenant, "/workflows/batch", {
          body: {
            instances: [{ params: { plan: SLEEPY } }, { id: `batch-${i}-${Date.now()}`, params: { plan: SLEEPY } }],
          },
        });
        assert.equal(response.status, 200, `${tenant}'s createBatch was refused: ${JSON.stringify(response.body)}`);
        const ids = reply(response).ids ?? [];
        assert.equal(ids.length, 2, `${tenant}'s createBatch of 2 answered with ${JSON.stringify(response.body)}`);
        for (const id of ids) created.push([tenant, id]);
      }
      await t.settle();
      for (const [tenant, id] of created) await creatorsOutput(t, tenant, id, "createBatch");
    },
  }),
  defineCase({
    id: "routing/event-wakes-creators-code",
    title: "an instance woken by sendEvent (through get) runs its creator's code after the wait",
    spec: ["WF-05", "WF-60"],
    tenants: PAIR,
    async run(t) {
      const plan: Action[] = [{ do: "before" }, { wait: "w", type: "go", timeout: "1 hour" }, { do: "after" }];
      const ids = [];
      for (const tenant of PAIR) ids.push(await t.create(tenant, { plan }));
      await t.advance(200);
      // Interleaved: the other tenant's event arrives between each instance's wait and its wake.
      for (const [i, tenant] of [...PAIR].reverse().entries())
        await ok(tenant, "sendEvent", ids[1 - i], t.sendEvent(tenant, ids[1 - i], "go", { from: tenant }));
      await t.settle();
      for (const [i, tenant] of PAIR.entries()) await creatorsOutput(t, tenant, ids[i], "sendEvent");
    },
  }),
  defineCase({
    id: "routing/resume-runs-creators-code",
    title: "an instance paused and resumed (through get) runs its creator's code after the resume",
    spec: ["WF-05", "WF-80", "WF-81"],
    tenants: PAIR,
    async run(t) {
      const ids = [];
      for (const tenant of PAIR) ids.push(await t.create(tenant, { plan: SLEEPY }));
      await t.advance(200);
      for (const [i, tenant] of PAIR.entries()) await ok(tenant, "pause", ids[i], t.control(tenant, ids[i], "pause"));
      await t.advance(1500);
      for (const [i, tenant] of PAIR.entries()) await expectStatus(t, tenant, ids[i], "paused");
      for (const [i, tenant] of [...PAIR].reverse().entries())
        await ok(tenant, "resume", ids[1 - i], t.control(tenant, ids[1 - i], "resume"));
      await t.settle();
      for (const [i, tenant] of PAIR.entries()) await creatorsOutput(t, tenant, ids[i], "pause + resume");
    },
  }),
  defineCase({
    id: "routing/restart-runs-creators-code",
    title:
      "an instance terminated, then restarted (through get), and one restarted after completing, run their creator's code",
    spec: ["WF-05", "WF-82", "WF-83"],
    tenants: PAIR,
    async run(t) {
      const [first, second] = PAIR;
      const sleeping = await t.create(first, { plan: SLEEPY });
      const done = await t.create(second, { plan: [{ do: "only" }] });
      await t.advance(200);
      await ok(first, "terminate", sleeping, t.control(first, sleeping, "terminate"));
      await t.settle();
      await expectStatus(t, first, sleeping, "terminated");
      await creatorsOutput(t, second, done, "create");
      await ok(second, "restart", done, t.control(second, done, "restart"));
      await ok(first, "restart", sleeping, t.control(first, sleeping, "restart"));
      await t.settle();
      await creatorsOutput(t, first, sleeping, "terminate + restart");
      await creatorsOutput(t, second, done, "restart after complete");
    },
  }),
];
