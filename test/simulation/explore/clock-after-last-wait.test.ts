/**
 * A step name built from the clock with no wait after it: only a crash makes run() replay that step, and in
 * production the restart comes later than the crash. Explore restarts a crashed instance a virtual second later
 * (the emulator option restartDelayMs), so the second lifetime reads another Date.now() and the name differs.
 */
import { expect, it } from "vitest";
import { explore } from "../../../simulation/explore/explore.ts";
import { tenantCode } from "./example-workflows.ts";

const BILLING = `import { WorkflowEntrypoint } from "cloudflare:workers";
export class Billing extends WorkflowEntrypoint {
  async run(event, step) {
    const invoice = await step.do("create invoice", async () => ({ id: "inv-1" }));
    const paid = await step.waitForEvent("payment", { type: "paid", timeout: "7 days" });
    return step.do(\`mark paid \${Date.now()}\`, async () => ({ invoice: invoice.id, amount: paid.payload.amount }));
  }
}`;

it("explore: a clock-built step name after the last wait is replay-unsafe under a crash before its commit", async () => {
  const result = await explore({
    workflows: [
      {
        name: "billing",
        tenant: "acme",
        className: "Billing",
        code: tenantCode(BILLING),
        inputs: [{ name: "paid", params: {}, events: [{ type: "paid", payload: { amount: 10 }, atMs: 3_600_000 }] }],
      },
    ],
    profile: "production",
    seed: 3,
    randomRuns: 0,
    replayPrefix: "dwc explore",
  });
  const [found] = result.cases;
  console.log(`[clock after the last wait] ${found.verdict}: ${found.findings.map((f) => f.message).join(" | ")}`);
  expect(found.verdict).toBe("failed");
  const unsafe = found.findings.find((f) => f.kind === "replay-unsafe");
  expect(unsafe?.scheduleText).toMatch(/^crash (before|after) the commit of do mark paid \d+#1$/);
  expect(unsafe?.likelyCause).toMatch(/Date\.now\(\)/);
});
