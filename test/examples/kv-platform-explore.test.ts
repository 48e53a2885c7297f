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

it("dwc explore: the same platform deployed without its version pin (unpinned.dwc.config.json, policy pinned) is caught by a redeploy at a wait: wrong-code, naming the new version", async () => {
  const args = ["explore", "--config", "examples/kv-platform/unpinned.dwc.config.json", "--seed", "7", "--runs", "2"];
  const result = await runCli("cli/main.ts", [...args, "--no-reports"]);
  console.log(
    `[kv-platform unpinned explore] exit ${result.code}\n${result.stdout
      .split("\n")
      .filter((l) => /✗|redeploys|explore:/.test(l))
      .join("\n")}`,
  );
  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stdout).toMatch(/redeploys at waits: 2\/2 tried/);
  expect(result.stdout).toMatch(
    /✗ wrong-code: run\(\) lifetime \d+ ran in isolate .* loaded with acme's code \(version (\w+)-next\), not acme's code version \1 \(code-version policy: pinned; \1-next was deployed while the instance waited\)/,
  );
  // The one fault that shows it: the redeploy alone (1-minimal), with its replay line.
  expect(result.stdout).toMatch(
    /schedule: +redeploy the tenant's code \(a new version\) at waitForEvent manager approval#1\n/,
  );
  expect(result.stdout).toMatch(
    /replay: +npm start -- explore --config examples\/kv-platform\/unpinned\.dwc\.config\.json --seed 7 --workflow acme-invoices --input approved --path r0/,
  );
}, 180_000);
