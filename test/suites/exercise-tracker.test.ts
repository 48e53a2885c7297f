/** No false greens (issue 13, item 1): refused requests fail a case that did not plan them; a run that created nothing fails. */
import { describe, expect, it } from "vitest";
import { defineCase } from "../../contract/case.ts";
import { runCase } from "../../suites/run-case.ts";
import { vacuousTargets } from "../../cli/vacuity.ts";
import { type FakeTarget, fakeTarget } from "../support/fake-target.ts";

/** A dispatcher that answers every request with `status` (404: the "answers-404" mutant); creates succeed on 200. */
function answering(status: number): FakeTarget {
  const body = status === 200 ? { id: "i-1" } : "not found";
  return fakeTarget({
    running: {
      request: async () => ({ status, body }),
      sendEvent: async () => ({ status, body }),
      control: async () => ({ status, body }),
      create: async (tenant: string) => {
        if (status !== 200)
          throw new Error(`create for tenant "${tenant}" failed: HTTP ${status} ${JSON.stringify(body)}`);
        return "i-1";
      },
    },
  });
}

// Ignores what its requests answer: the kind of case that passes vacuously when nothing is checked.
const careless = defineCase({
  id: "t/careless",
  title: "looks at nothing",
  spec: [],
  run: async (t) => void (await t.control("acme", "i-1", "pause")),
});
const planned = defineCase({
  id: "t/planned",
  title: "expects a refusal",
  spec: [],
  plansRefusals: true,
  run: careless.run,
});
const creating = defineCase({
  id: "t/creating",
  title: "creates",
  spec: [],
  run: async (t) => void (await t.create("acme", {})),
});

describe("no false greens", () => {
  it("a refused request the case did not plan fails it, naming the request and the response", async () => {
    const result = await runCase(answering(404), careless, {});
    expect(result.status).toBe("fail");
    expect(result.error).toBe(
      'a tenant request was refused that the case did not plan: POST /workflows/i-1/pause for tenant "acme" → HTTP 404 "not found"',
    );
  });

  it("a case that plans refusals is not failed by them, but still records the refusal", async () => {
    const result = await runCase(answering(404), planned, {});
    expect(result.status).toBe("pass");
    expect(result.exercised).toEqual({
      created: 0,
      firstRefusal: 'POST /workflows/i-1/pause for tenant "acme" → HTTP 404 "not found"',
    });
  });

  it("a run that created no instance on a target is vacuous, with the first refused request named; one that created some is not", async () => {
    const nothing = [await runCase(answering(404), planned, {})];
    expect(vacuousTargets(nothing, ["fake"])).toEqual([
      'fake: the run created no instance, so its results prove nothing. The first refused request: POST /workflows/i-1/pause for tenant "acme" → HTTP 404 "not found". Check that the dispatcher routes requests to the tenant\'s worker.',
    ]);
    const some = [await runCase(answering(200), creating, {})];
    expect(some[0].exercised).toEqual({ created: 1 });
    expect(vacuousTargets(some, ["fake"])).toEqual([]);
  });
});
