/**
 * The fuzz properties on local workerd (miniflare 4, the local Workflows engine, the real Worker Loader), with a
 * small budget: random scenarios run through the Target API only (simulation/run-scenario.ts, black-box), with short
 * real sleeps (timeScale 50: "1 s" → 50 ms, "30 days" → 1.5 s) and restart as the crash. Only commands the target
 * can do are generated (no eviction, crash points, loader failures); there is no trace, so only the trace-free
 * invariants are checked (checkOutputInvariants: routing as the output shows it, liveness, outputs, event delivery).
 *
 * FUZZ_WORKERD_RUNS scenarios (default 6). The seed is random unless FUZZ_SEED is set, and is always printed with
 * the line that re-runs it; FUZZ_PATH replays one counterexample; FUZZ_DISPATCHER tests another dispatcher (e.g. a
 * mutant from fixtures/mutants/). Real time: a replay re-runs the same scenario, not necessarily the same
 * interleaving.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WorkerdTarget } from "../../targets/workerd-target.ts";
import { knownViolations, PROPERTY_DIVERGENCES } from "../../suites/divergences.ts";
import { checkOutputInvariants } from "../../suites/properties/invariants.ts";
import { runScenario } from "../../simulation/run-scenario.ts";
import { renderScenario, scenarioOf, type Scenario } from "../../suites/properties/scenario.ts";
import { CRASH_WHILE_SLEEPING, EVENT_THEN_RESTART_TWO_WAITS, markersOf } from "./fixed-scenarios.ts";

const RUNS = Number(process.env.FUZZ_WORKERD_RUNS ?? 6);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.FUZZ_PATH;
const DISPATCHER = process.env.FUZZ_DISPATCHER;
const TIME_SCALE = 50;
/** After this, no new scenario starts (shrinking a failure stops with the smallest one found so far). */
const BUDGET_MS = Math.max(60_000, RUNS * 10_000);

const target = new WorkerdTarget(DISPATCHER ? { dispatcherPath: DISPATCHER } : {});

class InvariantViolation extends Error {
  constructor(readonly violations: string[]) {
    super(violations.join("\n"));
  }
}

describe("invariants on the reference dispatcher (local workerd)", () => {
  it(
    `routing, liveness, outputs and event delivery hold for ${RUNS} random scenarios`,
    async () => {
      const started = Date.now();
      const deadline = started + BUDGET_MS;
      let runs = 0;
      let skipped = 0;
      let crashes = 0;
      let instances = 0;
      /** Violations that are local workerd's known behaviour (suites/divergences.ts PROPERTY_DIVERGENCES). */
      const tolerated: string[] = [];
      const arbitrary = scenarioOf({
        maxCommands: 6,
        maxCreates: 3,
        startWithCreate: true,
        support: target.capabilities,
        crashWeight: 4,
      });
      const property = fc.asyncProperty(arbitrary, async (s: Scenario) => {
        if (Date.now() > deadline) {
          skipped++;
          return;
        }
        runs++;
        const observation = await runScenario(s, target, { mode: "black-box", timeScale: TIME_SCALE });
        crashes += observation.crashes;
        instances += observation.instances.length;
        const { known, unknown } = knownViolations("workerd", checkOutputInvariants(observation), observation);
        tolerated.push(...known.map((k) => `${k.id}: ${k.violation}`));
        if (unknown.length > 0) throw new InvariantViolation(unknown);
      });
      const details = await fc.check(property, { seed: SEED, path: PATH, numRuns: PATH ? 1 : RUNS });
      const seconds = (Date.now() - started) / 1000;
      const env = `${DISPATCHER ? `FUZZ_DISPATCHER=${DISPATCHER} ` : ""}FUZZ_SEED=${SEED}`;
      const rerun = `${env} FUZZ_WORKERD_RUNS=${RUNS} npx vitest run test/simulation/workerd.property.test.ts`;
      console.log(
        `[fuzz-workerd] ${runs} scenario runs (${instances} instances, ${crashes} crashes) in ${seconds.toFixed(1)} s ` +
          `(${(runs / seconds).toFixed(2)} scenarios/s), seed ${SEED}${tolerated.length ? `, known divergences seen: ${[...new Set(tolerated)].join("; ")}` : ""}${skipped ? `, ${skipped} skipped after the ${BUDGET_MS / 1000} s budget` : ""}. Re-run: ${rerun}`,
      );
      let report = "";
      if (details.failed && details.counterexample) {
        const [counterexample] = details.counterexample;
        const error = details.errorInstance;
        const violations =
          error instanceof InvariantViolation ? error.violations : [`the run itself failed: ${String(error)}`];
        report = [
          `Invariant violated on workerd (seed ${details.seed}, path ${details.counterexamplePath}). Smallest scenario found:`,
          renderScenario(counterexample),
          "Violations:",
          ...violations.map((v) => `  - ${v}`),
          `Replay: ${DISPATCHER ? `FUZZ_DISPATCHER=${DISPATCHER} ` : ""}FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath} npx vitest run test/simulation/workerd.property.test.ts`,
        ].join("\n");
        console.log(report);
      }
      expect(details.failed, report).toBe(false);
      expect(skipped, `the ${BUDGET_MS / 1000} s budget ran out after ${runs} of ${RUNS} scenarios`).toBe(0);
      // A replayed path runs the scenario it names and, when that no longer fails, each shrink step on the path.
      if (PATH) expect(runs).toBeGreaterThanOrEqual(1);
      else expect(runs).toBe(RUNS);
    },
    // a scenario started just before the budget ran out still runs to its end (real sleeps, retries, the drain)
    BUDGET_MS + 60_000,
  );

  it("a crash while two tenants' instances sleep: both complete with their own code; invariants hold", async () => {
    const observation = await runScenario(CRASH_WHILE_SLEEPING, target, { mode: "black-box", timeScale: TIME_SCALE });
    expect(observation.crashes).toBe(1);
    expect(observation.dropped).toEqual([]);
    expect(checkOutputInvariants(observation)).toEqual([]);
    expect(observation.instances.map((i) => [i.tenant, i.status])).toEqual([
      ["acme", "complete"],
      ["globex", "complete"],
    ]);
    // The step finished before the crash is the cached result (its isolate died with the old workerd process);
    // the step after the sleep ran the creator's code again, in an isolate loaded after the restart.
    for (const instance of observation.instances) {
      const [before, after] = markersOf(instance.output);
      expect(before.isolate?.startsWith(`${instance.tenant}/`)).toBe(true);
      expect(after.isolate?.startsWith(`${instance.tenant}/`)).toBe(true);
      expect(after.isolate).not.toBe(before.isolate);
    }
  }, 30_000);

  it("known divergence event-redelivered-after-restart: local workerd still hands one event to two waits after a restart (a ratchet)", async () => {
    const observation = await runScenario(EVENT_THEN_RESTART_TWO_WAITS, target, {
      mode: "black-box",
      timeScale: TIME_SCALE,
    });
    const violations = checkOutputInvariants(observation);
    console.log(`[known divergence] crashes ${observation.crashes}; violations: ${JSON.stringify(violations)}`);
    expect(observation.crashes).toBe(1);
    const { known, unknown } = knownViolations("workerd", violations, observation);
    expect(unknown).toEqual([]);
    const entry = PROPERTY_DIVERGENCES.workerd.find((e) => e.id === "event-redelivered-after-restart");
    expect(
      known.map((k) => k.id),
      `local workerd no longer redelivers the event (${entry?.reason.slice(0, 80)}…): remove the entry from suites/divergences.ts`,
    ).toEqual(["event-redelivered-after-restart"]);
  }, 30_000);
});
