/**
 * `dwc explore` on a real platform's own tenant workflows (examples/kv-platform's `explore` section): the tenants'
 * code deployed into the platform's KV, addressed by path, instances created through the binding the dispatcher
 * names `FLOWS` (adapter.tenantBinding), every wake through the unmodified dispatcher with its pinned versions.
 */
import { expect, it } from "vitest";
import { runCli } from "../support/run-cli.ts";

it("dwc explore: the KV platform's three tenant workflow inputs pass, each with instances, steps and faults exercised", async () => {
  const args = ["explore", "--config", "examples/kv-platform/dwc.config.json", "--seed", "1", "--runs", "3"];
  const result = await runCli("cli/main.ts", [...args, "--no-reports"]);
  expect(result.code, result.stdout + result.stderr).toBe(0);
  expect(result.stdout).toContain("explore: 3 workflow × input cases, 3 passed, 0 failed, 0 errors");
  const exercised = [...result.stdout.matchAll(/exercised: (\d+) schedules, (\d+) instances, .*?, (\d+)\/\d+ faults/g)];
  expect(exercised).toHaveLength(3);
  for (const [, schedules, instances, landed] of exercised) {
    // Every schedule created its instance and read it back: an instance forgotten before it was read is an error.
    expect(Number(instances)).toBe(Number(schedules));
    expect(Number(landed)).toBeGreaterThan(0);
  }
  // The onboarding run lasts 33 virtual days, longer than production's 30-day retention after it ends would allow
  // if explore moved time on to runFor: it must still be read as complete.
  expect(result.stdout).toMatch(
    /globex-onboarding \/ builds-a-project \(tenant globex\): passed[\s\S]*?fault-free run: complete/,
  );
}, 180_000);
