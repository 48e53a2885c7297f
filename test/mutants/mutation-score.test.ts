/**
 * The declared mutants (fixtures/mutants/declared.json) must each make `dwc run` fail, and the declared correct
 * dispatchers (unusual but right: a fresh isolate per load, tenant-prefixed ids, the hardened binding) must pass
 * every case on every target they run on. Prints the mutation score per class and the false-positive rate.
 *
 * `npm run test:mutants` (not in `npm test`: minutes of CLI runs). A mutant is one CLI run of its declared suites on
 * both emulator targets plus its declared workerd cases, a correct dispatcher every suite on the emulators; two runs
 * at a time. DWC_MUTANTS_FULL=1 (.ci/run) runs every suite for the mutants and every case on workerd for the correct
 * dispatchers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  caught,
  type Declaration,
  inPool,
  type Outcome,
  readDeclaration,
  renderScore,
  runDispatcher,
} from "./mutation-score.ts";

const FULL = process.env.DWC_MUTANTS_FULL === "1";
const PARALLEL_RUNS = 2;

let declaration: Declaration;
let mutants: Outcome[];
let correct: Outcome[];

beforeAll(async () => {
  declaration = await readDeclaration();
  const all = await inPool([...declaration.mutants, ...declaration.correct], PARALLEL_RUNS, (entry) =>
    runDispatcher(entry, FULL),
  );
  mutants = all.slice(0, declaration.mutants.length);
  correct = all.slice(declaration.mutants.length);
  console.log(renderScore(declaration, mutants, correct));
}, 900_000);

describe("mutation score of dwc run", () => {
  it("every declared mutant is caught, and on workerd by the cases declared for it", () => {
    expect(declaration.mutants.length).toBeGreaterThan(0);
    for (const [i, m] of declaration.mutants.entries()) {
      const outcome = mutants[i];
      expect(outcome.errors, m.file).toEqual([]);
      expect(caught(outcome), `${m.file} (${m.class}) survived dwc run`).toBe(true);
      // A dispatcher the preflight refuses is caught before any case runs (exit 2 with the failed step).
      const refusedByPreflight = outcome.vacuous.some((line) => line.startsWith("PREFLIGHT"));
      for (const id of m.workerd)
        if (!refusedByPreflight)
          expect(outcome.failures, `${m.file}: ${id} should fail on workerd`).toContain(`${id}@workerd`);
    }
  });

  it("no correct dispatcher fails a case (false-positive rate 0), and the hardened one has no finding", () => {
    expect(declaration.correct.length).toBeGreaterThan(0);
    for (const [i, c] of declaration.correct.entries()) {
      const outcome = correct[i];
      expect(outcome.errors, c.file).toEqual([]);
      // Not vacuous: the dispatcher really ran cases, on workerd too when some are declared.
      expect(outcome.results, `${c.file} ran no case`).toBeGreaterThan(0);
      expect(outcome.vacuous, c.file).toEqual([]);
      expect(outcome.failures, `${c.file} (${c.unusual}) failed cases`).toEqual([]);
      if (c.noFindings) expect(outcome.findings, `${c.file} should leave no finding`).toEqual([]);
    }
  });
});
