/**
 * The right-code oracle's version rule after a schedule's redeploy (redeploy-at-wait): pinned, every isolate runs the
 * creation version; latest, an isolate whose code was fetched after the redeploy runs the new version, and one loaded
 * before keeps the old. Judged on a hand-made run (trace + lifetimes) so each rule is seen failing on its own; the
 * end-to-end case is test/examples/kv-platform-explore.test.ts (a platform that drops its pin).
 */
import { describe, expect, it } from "vitest";
import type { Lifetime } from "../../../simulation/explore/lifetimes.ts";
import { type OracleContext, rightCode } from "../../../simulation/explore/oracles.ts";
import type { ScheduleRun } from "../../../simulation/explore/run-schedule.ts";

const OLD = "old-digest";
const NEW = "new-digest";

/** Lifetime 1 in isolate A (loaded before the redeploy at trace index 2), lifetime 2 in isolate B (loaded after). */
function runWith(codeOfB: string, redeployedAt: number | undefined): { run: ScheduleRun; lifetimes: Lifetime[] } {
  const trace = [
    { type: "loader.getCode", ok: true, isolate: "tenant:acme#1", code: OLD },
    { type: "run.start", generation: 1, metadata: { tenantId: "acme" } },
    { type: "event.wait", step: "approval", count: 1 },
    { type: "loader.getCode", ok: true, isolate: "tenant:acme#2", code: codeOfB },
    { type: "run.start", generation: 2, metadata: { tenantId: "acme" } },
  ] as never;
  const identities = new Map([
    [OLD, { tenant: "acme", codeVersion: "v1" }],
    [NEW, { tenant: "acme", codeVersion: "v1-next" }],
  ]);
  const lifetime = (index: number, isolate: string): Lifetime => ({
    index,
    isolate,
    calls: [],
    callbacks: [{ name: "charge", isolate }],
    sources: [],
    outsideStepRequests: [],
  });
  const run: ScheduleRun = {
    schedule: { origin: "systematic", faults: [{ kind: "redeploy-at-wait", step: "waitForEvent approval#1" }] },
    status: "complete",
    trace,
    notes: [],
    identities,
    faultsLanded: 1,
    ...(redeployedAt === undefined ? {} : { redeployedAt }),
  };
  return { run, lifetimes: [lifetime(1, "tenant:acme#1"), lifetime(2, "tenant:acme#2")] };
}

const ctx = (policy: OracleContext["policy"]): OracleContext => ({
  tenant: "acme",
  codeVersion: "v1",
  nextVersion: "v1-next",
  ownerKey: "tenantId",
  policy,
});

describe("explore: the code-version policy after a redeploy (right code)", () => {
  it("pinned: the wake after the redeploy must reload the creation version; the new version there is wrong code", () => {
    const { run, lifetimes } = runWith(NEW, 3);
    const findings = rightCode(run, lifetimes, ctx("pinned"));
    expect(findings.map((f) => f.message)).toEqual([
      "run() lifetime 2 ran in isolate tenant:acme#2 loaded with acme's code (version v1-next), not acme's code version v1 (code-version policy: pinned; v1-next was deployed while the instance waited)",
      `the callback of step "charge" (lifetime 2) ran in isolate tenant:acme#2 loaded with acme's code (version v1-next), not acme's code version v1 (code-version policy: pinned; v1-next was deployed while the instance waited)`,
    ]);
    expect(rightCode(runWith(OLD, 3).run, lifetimes, ctx("pinned"))).toEqual([]);
  });

  it("latest: an isolate loaded after the redeploy must run the new version; one loaded before keeps the old", () => {
    const { run, lifetimes } = runWith(OLD, 3);
    const findings = rightCode(run, lifetimes, ctx("latest"));
    expect(findings[0]?.message).toBe(
      "run() lifetime 2 ran in isolate tenant:acme#2 loaded with acme's code (version v1), not acme's code version v1-next (code-version policy: latest; v1-next was deployed while the instance waited)",
    );
    expect(findings).toHaveLength(2);
    // Lifetime 1's isolate was loaded before the redeploy: its old code is right under either policy.
    expect(rightCode(runWith(NEW, 3).run, lifetimes, ctx("latest"))).toEqual([]);
  });

  it("no redeploy in the schedule: every isolate runs the creation version, whatever the policy", () => {
    const { run, lifetimes } = runWith(OLD, undefined);
    expect(rightCode(run, lifetimes, ctx("latest"))).toEqual([]);
    expect(rightCode(runWith(NEW, undefined).run, lifetimes, ctx("latest"))).toHaveLength(2);
  });
});
