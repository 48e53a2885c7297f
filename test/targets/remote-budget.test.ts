/** RemoteBudget (targets/remote-budget.ts): the message names the budget and how to raise it; racing and checking. */
import { describe, expect, it } from "vitest";
import { isTargetUnusable } from "../../contract/target-unusable.ts";
import { RemoteBudget, RemoteBudgetError } from "../../targets/remote-budget.ts";

const OPTIONS = { ms: 50, per: "per scenario", raise: "--budget <seconds>" };

describe("RemoteBudget", () => {
  it("work that ends in time passes through; work that does not fails with the budget named and the fix", async () => {
    const budget = new RemoteBudget(OPTIONS, "https://d.example/");
    await expect(budget.race(Promise.resolve("ok"), "a create")).resolves.toBe("ok");
    const never = new Promise<never>(() => {});
    const error = await budget.race(never, "POST /workflows").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteBudgetError);
    expect(isTargetUnusable(error)).toBe(true);
    expect((error as Error).message).toBe(
      "the deployment at https://d.example/ is slower than the budget of 0.05 s per scenario: POST /workflows had no answer when the budget ran out. Raise the budget with --budget <seconds> (a deployment far away or a cold start can need more), or check that the deployment answers.",
    );
  });

  it("once spent, nothing new may start", () => {
    const budget = new RemoteBudget(OPTIONS, "https://d.example/", Date.now() - 1000);
    expect(budget.spent()).toBe(true);
    expect(() => budget.check("GET /workflows/x")).toThrow(/GET \/workflows\/x could not start, the budget was spent/);
    expect(() => new RemoteBudget(OPTIONS, "https://d.example/").check("x")).not.toThrow();
  });
});
