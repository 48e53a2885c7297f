/**
 * Differential comparison: one scenario on two targets (the emulator's local profile and local workerd), each run
 * black-box by the scenario runner (simulation/run-scenario.ts), scrubbed histories (history.ts), their differences
 * (diff.ts), and a verdict: agreement, explained (every difference explained by a rule in explanations.ts) or
 * unexplained. Shrinking an unexplained scenario uses fast-check with the property "the two agree or an explanation
 * rule explains it".
 */
import fc from "fast-check";
import type { Target } from "../contract/target.ts";
import { isTargetUnusable } from "../contract/target-unusable.ts";
import { runScenario } from "../simulation/run-scenario.ts";
import { scenarioOf, type Scenario, type ScenarioSupport } from "../suites/properties/scenario.ts";
import { diffHistories, type Difference } from "./diff.ts";
import { historyOf, type History } from "./history.ts";
import { explainingRule, EXPLANATION_RULES, type ExplanationRule } from "./explanations.ts";

export type VerdictKind = "agreement" | "explained" | "unexplained";

export interface ClassifiedDifference extends Difference {
  /** The rule that explains it; absent when unexplained. */
  rule?: string;
}

export interface Verdict {
  verdict: VerdictKind;
  differences: ClassifiedDifference[];
  /** The rules that explained at least one difference. */
  rules: string[];
}

export interface Comparison extends Verdict {
  emulator: History;
  workerd: History;
  durationMs: number;
}

/** The classification of two histories of `scenario`. */
export function classify(
  scenario: Scenario,
  emulator: History,
  workerd: History,
  rules: readonly ExplanationRule[] = EXPLANATION_RULES,
): Verdict {
  const context = { scenario, emulator, workerd };
  const differences: ClassifiedDifference[] = diffHistories(emulator, workerd).map((diff) => {
    const rule = explainingRule(diff, context, rules);
    return rule ? { ...diff, rule: rule.id } : diff;
  });
  const rulesUsed = [...new Set(differences.flatMap((d) => (d.rule ? [d.rule] : [])))];
  const verdict: VerdictKind =
    differences.length === 0 ? "agreement" : differences.every((d) => d.rule) ? "explained" : "unexplained";
  return { verdict, differences, rules: rulesUsed };
}

export interface CompareTargets {
  emulator: Target;
  workerd: Target;
}

export async function compareScenario(
  scenario: Scenario,
  targets: CompareTargets,
  options: { timeScale: number },
): Promise<Comparison> {
  const started = Date.now();
  // one after the other: the emulator is cheap, and workerd should not compete with it for a core
  const emulator = historyOf(await runScenario(scenario, targets.emulator, { mode: "black-box", ...options }));
  const workerd = historyOf(await runScenario(scenario, targets.workerd, { mode: "black-box", ...options }));
  return { ...classify(scenario, emulator, workerd), emulator, workerd, durationMs: Date.now() - started };
}

/** The scenarios `npm run compare` generates: small, workerd-expressible only (as test/simulation/workerd.property.test.ts). */
export function compareArbitrary(support: ScenarioSupport): fc.Arbitrary<Scenario> {
  return scenarioOf({ maxCommands: 6, maxCreates: 3, startWithCreate: true, support, crashWeight: 4 });
}

export function sampleScenarios(support: ScenarioSupport, seed: number, count: number): Scenario[] {
  return fc.sample(compareArbitrary(support), { seed, numRuns: count });
}

export class Unexplained extends Error {
  constructor(readonly comparison: Comparison) {
    super(
      comparison.differences
        .filter((d) => !d.rule)
        .map((d) => `${d.instance} ${d.field}`)
        .join("; "),
    );
  }
}

export interface ShrinkResult {
  /** The smallest scenario found that still shows an unexplained difference (or the original if none did). */
  scenario: Scenario;
  comparison: Comparison | null;
  seed: number;
  path: string | undefined;
  runs: number;
  /** The unexplained difference did not show again on the original (real time on workerd: not every run is the same). */
  flaky: boolean;
}

/**
 * Shrinks `index` (0-based) of the seeded sample: fast-check replays the sample with the same seed and path
 * `String(index)`, so the first run is that very scenario, then shrinks while the property "the two agree or an explanation
 * rule explains it" keeps failing.
 */
export async function shrinkUnexplained(
  support: ScenarioSupport,
  seed: number,
  index: number,
  targets: CompareTargets,
  options: { timeScale: number; deadline: number; onRun?: (scenario: Scenario, comparison: Comparison | null) => void },
): Promise<ShrinkResult> {
  let runs = 0;
  let last: Comparison | null = null;
  let unusable: unknown;
  const property = fc.asyncProperty(compareArbitrary(support), async (scenario) => {
    if (Date.now() > options.deadline || unusable) return; // out of time (or target): keep the smallest so far
    runs++;
    let comparison: Comparison;
    try {
      comparison = await compareScenario(scenario, targets, options);
    } catch (error) {
      // A refused secret or a spent budget is not a counterexample: stop shrinking and report it (after fc.check).
      if (!isTargetUnusable(error)) throw error;
      unusable = error;
      return;
    }
    options.onRun?.(scenario, comparison);
    if (comparison.verdict === "unexplained") {
      last = comparison;
      throw new Unexplained(comparison);
    }
  });
  const details = await fc.check(property, { seed, path: String(index), numRuns: 1, endOnFailure: false });
  if (unusable) throw unusable;
  if (details.failed && details.counterexample) {
    const error = details.errorInstance;
    return {
      scenario: details.counterexample[0],
      comparison: error instanceof Unexplained ? error.comparison : last,
      seed,
      path: details.counterexamplePath ?? undefined,
      runs,
      flaky: false,
    };
  }
  return {
    scenario: sampleScenarios(support, seed, index + 1)[index],
    comparison: null,
    seed,
    path: String(index),
    runs,
    flaky: true,
  };
}
