/**
 * Routing of rollback handlers (WF-43): a handler is tenant code, registered by the instance's `run()`. When a chain
 * outlives the lifetime that registered it (a crash, an isolate eviction, a hibernation), the engine must replay
 * `run()` through the dispatcher to get the handlers back (LE-09), and the dispatcher must load the *creator's* code
 * for it, as for any other wake. The probe's handlers return a marker of the code that ran them; the engine's trace
 * keeps it (`rollback.commit`), so these cases need the trace.
 */
import assert from "node:assert/strict";
import type { Traced } from "../../contract/emulator-surface.ts";
import { defineCase } from "../../contract/case.ts";
import { expectStatus, type Action, type Marker } from "../probe.ts";

/** Steps named after their tenant (the trace names steps, and a dispatcher may store another id than it shows). */
function saga(tenant: string, rollbackConfig?: unknown): Action[] {
  return [
    { do: `${tenant}-reserve`, rollback: true },
    { do: `${tenant}-charge`, rollback: true, ...(rollbackConfig !== undefined && { rollbackConfig }) },
    { do: `${tenant}-ship`, rollback: true },
    { do: `${tenant}-fails`, failTimes: 1, nonRetryable: true },
  ];
}

/** The rollbacks of `tenant`'s saga that committed, in order, with the marker each handler returned. */
function rollbacksOf(trace: readonly Traced[], tenant: string): Array<{ step: string; marker: Marker }> {
  return trace.flatMap((e) =>
    e.type === "rollback.commit" && e.step.startsWith(`${tenant}-`)
      ? [{ step: e.step, marker: e.result as Marker }]
      : [],
  );
}

/** Each committed step rolled back exactly once, last started first, each by `tenant`'s own code. */
function assertCreatorsRollbacks(trace: readonly Traced[], tenant: string): void {
  const done = rollbacksOf(trace, tenant);
  assert.deepEqual(
    done.map((r) => r.step),
    [`${tenant}-ship`, `${tenant}-charge`, `${tenant}-reserve`],
    `${tenant}'s rollbacks: each committed step once, LIFO`,
  );
  for (const { step, marker } of done) {
    assert.equal(
      marker?.tenant,
      tenant,
      `the rollback of "${step}" ran ${marker?.tenant}'s code, expected ${tenant}'s`,
    );
    assert.ok(marker.isolate?.startsWith(`${tenant}/`), `the rollback of "${step}" ran in isolate ${marker.isolate}`);
  }
}

export const rollbackRoutingCases = [
  defineCase({
    id: "routing/rollback-receipts",
    title: "black-box: each rollback handler of a failed saga leaves a receipt its creator can read, made by its code",
    spec: ["WF-43"],
    async run(t) {
      const plan = saga("acme").map((a) => ("do" in a && a.rollback ? { ...a, receipt: `receipt-${a.do}` } : a));
      const id = await t.create("acme", { plan });
      await t.settle();
      await expectStatus(t, "acme", id, "errored");
      for (const step of ["acme-ship", "acme-charge", "acme-reserve"]) {
        const view = await t
          .status("acme", `receipt-${step}`)
          .catch((error: Error) =>
            assert.fail(
              `the rollback of "${step}" left no receipt acme can read (${error.message.slice(0, 120)}): it did not run, or ran another tenant's code`,
            ),
          );
        assert.equal(
          view.status,
          "complete",
          `receipt of "${step}": ${view.status} ${JSON.stringify(view.error ?? "")}`,
        );
        assert.equal((view.output as { tenant?: string }).tenant, "acme", `the rollback of "${step}" ran other code`);
      }
    },
  }),
  defineCase({
    id: "routing/rollback-runs-creators-code",
    title: "two tenants' sagas fail at once: every rollback handler runs its creator's code, LIFO, once",
    spec: ["WF-43"],
    needs: ["trace"],
    async run(t) {
      const ids = {
        acme: await t.create("acme", { plan: saga("acme") }),
        globex: await t.create("globex", { plan: saga("globex") }),
      };
      await t.settle();
      for (const [tenant, id] of Object.entries(ids)) {
        await expectStatus(t, tenant, id, "errored");
        assertCreatorsRollbacks(t.trace(), tenant);
      }
    },
  }),
  defineCase({
    id: "routing/rollback-crash-mid-chain",
    title: "a crash after one rollback committed: the chain resumes with the creator's code, no rollback runs twice",
    spec: ["WF-43", "LE-09", "WF-90"],
    needs: ["crashPoints", "trace"],
    async run(t) {
      // Crash points name rollbacks `rollback:<step>`: right after the middle rollback of initech's chain committed.
      // Armed first: a saga without sleeps may run to its end while its create is answered.
      t.crashAt("afterStepCommit", { step: "rollback:initech-charge" });
      const ids = {
        initech: await t.create("initech", { plan: saga("initech") }),
        acme: await t.create("acme", { plan: saga("acme") }),
      };
      await t.settle();
      for (const [tenant, id] of Object.entries(ids)) {
        await expectStatus(t, tenant, id, "errored");
        assertCreatorsRollbacks(t.trace(), tenant);
      }
      const crashed = t.trace().some((e) => e.type === "fault" && e.kind === "crash");
      assert.ok(crashed, "the crash point fired (otherwise this case exercised nothing)");
      const [ship, charge, reserve] = rollbacksOf(t.trace(), "initech");
      assert.notEqual(reserve.marker.isolate, charge.marker.isolate, "the rollback after the crash ran in a reload");
      assert.equal(ship.marker.isolate, charge.marker.isolate, "the rollbacks before the crash ran in one isolate");
    },
  }),
  defineCase({
    id: "routing/rollback-eviction-mid-chain",
    title: "a rollback waiting to retry while its isolate is evicted: the chain ends with the creator's code",
    spec: ["WF-43", "LE-09", "WL-04"],
    needs: ["evictIsolates", "trace", "virtualTime"],
    async run(t) {
      // The charge rollback fails once: its retry waits a minute, and the isolates are evicted meanwhile.
      const flaky = { retries: { limit: 2, delay: "1 minute", backoff: "constant" } };
      const plan = saga("globex", flaky).map((a) =>
        "do" in a && a.do === "globex-charge" ? { ...a, rollback: "fail" as const } : a,
      );
      const id = await t.create("globex", { plan });
      await t.advance(1_000);
      await t.evict();
      await t.settle();
      await expectStatus(t, "globex", id, "errored");
      const failures = t.trace().filter((e) => e.type === "rollback.failure" && e.step === "globex-charge");
      assert.equal(failures.length, 3, "the failing rollback ran its three attempts (1 + 2 retries), then gave up");
      for (const failure of failures) {
        const error = failure.type === "rollback.failure" ? failure.error : "";
        assert.match(error, /\(globex's code\)/, `a retry of the charge rollback ran other code: ${error}`);
      }
      // The chain stopped at the failing rollback: reserve is never rolled back; ship was, by globex's code.
      const done = rollbacksOf(t.trace(), "globex");
      assert.deepEqual(
        done.map((r) => [r.step, r.marker?.tenant]),
        [["globex-ship", "globex"]],
      );
    },
  }),
];
