/**
 * The last shrink pass: fast-check's shrinker works on the generator's structure (it shortens lists from their ends,
 * lowers numbers, picks earlier constants), so its smallest scenario may still hold commands that do not matter. This
 * pass tries removing each remaining command, then each action of each remaining plan, keeps every removal after
 * which the scenario still breaks an invariant, and repeats until nothing more can go: the result is 1-minimal (no
 * single command or plan action can be removed). Deterministic, so a replay of the same seed and path prints the
 * same scenario.
 */
import type { Command, Scenario } from "../suites/properties/scenario.ts";

/** The violations of a scenario (empty: it passes). */
export type Verdict = (scenario: Scenario) => Promise<string[]>;

export interface Minimized {
  scenario: Scenario;
  violations: string[];
  /** Scenarios run by this pass. */
  tries: number;
}

export async function minimize(scenario: Scenario, violations: string[], verdict: Verdict): Promise<Minimized> {
  let best = { scenario, violations };
  let tries = 0;
  const attempt = async (candidate: Scenario): Promise<boolean> => {
    tries++;
    const found = await verdict(candidate);
    if (found.length === 0) return false;
    best = { scenario: candidate, violations: found };
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < best.scenario.commands.length; ) {
      const commands = best.scenario.commands.filter((_, j) => j !== i);
      if (commands.length > 0 && (await attempt({ commands }))) changed = true;
      else i++;
    }
    for (let i = 0; i < best.scenario.commands.length; i++) {
      for (let a = 0; a < planOf(best.scenario.commands[i]).length; ) {
        const command = best.scenario.commands[i] as Extract<Command, { kind: "create" }>;
        if (command.plan.length <= 1) break;
        const shorter = { ...command, plan: command.plan.filter((_, k) => k !== a) };
        const commands = best.scenario.commands.map((c, j) => (j === i ? shorter : c));
        if (await attempt({ commands })) changed = true;
        else a++;
      }
    }
  }
  return { ...best, tries };
}

function planOf(command: Command): readonly unknown[] {
  return command.kind === "create" ? command.plan : [];
}
