/**
 * Cases that depend on the code-version policy read it (adapter.codeVersion → RunningTarget.subject): the
 * version-pinning dispatcher of fixtures/subjects/path-routed passes bad-input/broken-deploy-mid-sleep when it
 * declares "pinned" (the instance wakes on its original code), and fails it when it declares "latest" (the case then
 * expects the broken deploy to fail the instance on production's replay). The reference dispatcher, which loads the
 * latest deploy, fails it when declared "pinned". So the policy is checked, not assumed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../cli/config/load-config.ts";
import { subjectFor } from "../../cli/subject.ts";
import type { CodeVersionPolicy, SubjectDescription } from "../../contract/subject.ts";
import { ALL_CASES } from "../../suites/index.ts";
import { runCase } from "../../suites/run-case.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { referenceSubject } from "../../targets/topology.ts";
import { ROOT } from "../support/run-cli.ts";

const CASE = ALL_CASES.find((c) => c.id === "bad-input/broken-deploy-mid-sleep")!;
const pinning = subjectFor(loadConfig(join(ROOT, "fixtures/subjects/path-routed/dwc.config.json")));

async function statusOf(subject: SubjectDescription, codeVersion: CodeVersionPolicy) {
  const declared = { ...subject, adapter: { ...subject.adapter, codeVersion } };
  const result = await runCase(new EmulatorTarget("production", { subject: declared }), CASE);
  return { status: result.status, error: result.error };
}

describe("bad-input/broken-deploy-mid-sleep reads the code-version policy (emulator, production profile)", () => {
  it('a pinning dispatcher declared "pinned" passes: the woken instance ran the original code', async () => {
    expect(await statusOf(pinning, "pinned")).toEqual({ status: "pass", error: undefined });
  });

  it('the same dispatcher declared "latest" fails: the case expected the broken deploy on wake', async () => {
    const result = await statusOf(pinning, "latest");
    expect(result.status).toBe("fail");
    expect(result.error).toMatch(/expected the instance to fail on the broken code, got complete/);
  });

  it('the reference dispatcher (latest code on wake) declared "pinned" fails: it woke on the broken code', async () => {
    const result = await statusOf(referenceSubject(), "pinned");
    expect(result.status).toBe("fail");
  });
});
