/** targets/settle.ts and targets/reconcile.ts: the polling settle and the post-restart wake every real-time target shares. */
import { describe, expect, it, vi } from "vitest";
import { InstanceLedger } from "../../targets/instance-ledger.ts";
import { wakeAfterRestart } from "../../targets/reconcile.ts";
import { isSettled, pollUntilSettled } from "../../targets/settle.ts";

function ledgerOf(...ids: string[]): InstanceLedger {
  const ledger = new InstanceLedger();
  for (const id of ids) ledger.record(id, "acme");
  return ledger;
}

describe("pollUntilSettled", () => {
  it("asks until every instance is terminal or paused, and never asks a settled one again", async () => {
    const answers: Record<string, string[]> = { a: ["running", "complete"], b: ["waiting", "waiting", "paused"] };
    const asked: string[] = [];
    await pollUntilSettled(ledgerOf("a", "b"), {
      timeoutMs: 5_000,
      pollMs: 1,
      status: async (_tenant, id) => {
        asked.push(id);
        return answers[id].shift() ?? "settled twice?";
      },
    });
    expect(asked).toEqual(["a", "a", "b", "b", "b"]);
  });

  it("counts a failed status request as not settled, but rethrows what isFatal names", async () => {
    let calls = 0;
    const status = async () => {
      calls++;
      if (calls === 1) throw new Error("flaky");
      return "complete";
    };
    await pollUntilSettled(ledgerOf("a"), { timeoutMs: 5_000, pollMs: 1, status });
    expect(calls).toBe(2);
    const fatal = new Error("token refused");
    await expect(
      pollUntilSettled(ledgerOf("a"), {
        timeoutMs: 5_000,
        pollMs: 1,
        status: async () => Promise.reject(fatal),
        isFatal: (e) => e === fatal,
      }),
    ).rejects.toBe(fatal);
  });

  it("returns at the deadline without an error (the caller's assertion then shows the status)", async () => {
    // Fake timers: the deadline is reached by moving the clock, not by waiting, so a busy machine cannot starve the polls.
    vi.useFakeTimers();
    try {
      let calls = 0;
      const polling = pollUntilSettled(ledgerOf("a"), {
        timeoutMs: 30,
        pollMs: 5,
        status: async () => {
          calls++;
          return "running";
        },
      });
      await vi.advanceTimersByTimeAsync(35);
      await expect(polling).resolves.toBeUndefined();
      expect(calls).toBeGreaterThan(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("settled means terminal or paused", () => {
    expect(["complete", "errored", "terminated", "paused"].every(isSettled)).toBe(true);
    expect(["queued", "running", "waiting", "waitingForPause", "unknown"].some(isSettled)).toBe(false);
  });
});

describe("wakeAfterRestart", () => {
  it("pauses then resumes each live instance, in order, and leaves settled ones alone", async () => {
    const calls: string[] = [];
    const woken = await wakeAfterRestart(
      [
        { id: "a", status: "running" },
        { id: "b", status: "complete" },
        { id: "c", status: "paused" },
        { id: "d", status: "waiting" },
      ],
      async (id, action) => void calls.push(`${action} ${id}`),
    );
    expect(calls).toEqual(["pause a", "resume a", "pause d", "resume d"]);
    expect(woken).toBe(2);
  });
});
