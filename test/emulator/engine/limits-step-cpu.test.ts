/**
 * WF-92: CPU time per step. Production stops an attempt that uses more than 30 s of CPU (configurable up to 5 min)
 * with `Error: Worker exceeded CPU time limit.`; the local engine has no such limit. CPU time comes from an injected
 * meter (`scriptedCpuMeter`: the N-th attempt "uses" the N-th number), so nothing here depends on the machine's speed.
 */
import { describe, expect, it } from "vitest";
import { Emulator, scriptedCpuMeter } from "../../../emulator/index.ts";
import { attempts, failures, runToIdle, usePlain } from "../../support/engine.ts";

const start = usePlain();
const STEP = `return await step.do("heavy", { retries: { limit: 1, delay: 0 } }, async (ctx) => "done on attempt " + ctx.attempt);`;

describe("WF-92 CPU time per step (production: 30 s per attempt)", () => {
  it("WF-92 an attempt over 30 s of CPU fails with 'Worker exceeded CPU time limit.' and the retry runs", async () => {
    const { emulator, status } = await runToIdle(start, STEP, {
      productionLimits: { cpuMeter: scriptedCpuMeter([31_000, 5]) },
    });
    expect(status).toEqual({ status: "complete", output: "done on attempt 2" });
    expect(failures(emulator, "heavy").map((f) => [f.attempt, f.error, f.willRetry])).toEqual([
      [1, "Error: Worker exceeded CPU time limit.", true],
    ]);
  });

  it("WF-92 a step whose every attempt is over the limit ends the instance with the runtime's error", async () => {
    const { emulator, status } = await runToIdle(start, STEP, {
      productionLimits: { cpuMeter: scriptedCpuMeter([40_000, 40_000]) },
    });
    expect(status.status).toBe("errored");
    expect(status.error).toEqual({ name: "Error", message: "Worker exceeded CPU time limit." });
    expect(attempts(emulator, "heavy")).toHaveLength(2);
  });

  it("WF-92 exactly 30 s is within the limit; the attempt's own result is kept", async () => {
    const { emulator, status } = await runToIdle(start, STEP, {
      productionLimits: { cpuMeter: scriptedCpuMeter([30_000]) },
    });
    expect(status.output).toBe("done on attempt 1");
    expect(failures(emulator, "heavy")).toHaveLength(0);
  });

  it("WF-92 a callback that throws after using too much CPU fails with the CPU error, not its own", async () => {
    const { emulator } = await runToIdle(
      start,
      `return await step.do("heavy", { retries: { limit: 0, delay: 0 } }, () => { throw new Error("own"); });`,
      { productionLimits: { cpuMeter: scriptedCpuMeter([31_000]) } },
    );
    expect(failures(emulator, "heavy").map((f) => f.error)).toEqual(["Error: Worker exceeded CPU time limit."]);
  });

  it("WF-92 productionLimits.stepCpuMs sets the limit (limits.cpu_ms, up to 5 min) and false switches it off", async () => {
    const raised = await runToIdle(start, STEP, {
      productionLimits: { stepCpuMs: 300_000, cpuMeter: scriptedCpuMeter([299_000]) },
    });
    expect(raised.status.output).toBe("done on attempt 1");
    const lowered = await runToIdle(start, STEP, {
      productionLimits: { stepCpuMs: 10, cpuMeter: scriptedCpuMeter([11, 10]) },
    });
    expect(lowered.status.output).toBe("done on attempt 2");
    const off = await runToIdle(start, STEP, {
      productionLimits: { stepCpuMs: false, cpuMeter: scriptedCpuMeter([10_000_000]) },
    });
    expect(off.status.output).toBe("done on attempt 1");
    expect(failures(off.emulator, "heavy")).toHaveLength(0);
  });

  it("WF-92 [LOCAL] the local profile has no CPU limit", async () => {
    const { emulator, status } = await runToIdle(start, STEP, {
      profile: "local",
      productionLimits: { cpuMeter: scriptedCpuMeter([10_000_000]) },
    });
    expect(status.output).toBe("done on attempt 1");
    expect(failures(emulator, "heavy")).toHaveLength(0);
  });

  it("WF-92 the default meter lets an ordinary step through (its synchronous part is far below 30 s)", async () => {
    const { emulator, status } = await runToIdle(start, STEP);
    expect(status.output).toBe("done on attempt 1");
    expect(attempts(emulator, "heavy")).toHaveLength(1);
  });

  it("WF-92 a bad productionLimits value is refused with the field and the fix", () => {
    expect(() => new Emulator({ productionLimits: { stepCpuMs: -1 } })).toThrow(
      "productionLimits.stepCpuMs must be a positive number or false (to switch the limit off), got -1",
    );
    expect(() => new Emulator({ productionLimits: { cpuMs: 1 } as never })).toThrow(
      "Unknown key productionLimits.cpuMs. Known keys: stepCpuMs, creationsPerSecond, runningInstances, queuedInstances, cpuMeter",
    );
  });
});
