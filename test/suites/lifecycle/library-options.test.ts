/**
 * WF-82 / WF-83: the cases of suites/lifecycle/library-options.ts report that `@cloudflare/dynamic-workflows` drops
 * `terminate({rollback})` and `restart({from})` (a finding about the library), on both emulator profiles, and that a
 * dispatcher whose tenant handle passes the options on (the hardened one) has no finding: so the finding comes from
 * what the binding does, not from the case.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { libraryOptionCases } from "../../../suites/lifecycle/library-options.ts";
import { runCase } from "../../../suites/run-case.ts";
import { EmulatorTarget } from "../../../targets/emulator-target.ts";
import { ROOT } from "../../support/run-cli.ts";

const HARDENED = join(ROOT, "fixtures/hardened-dispatcher/index.ts");

describe.each(["production", "local"] as const)("options through the library (%s)", (profile) => {
  it.each(libraryOptionCases.map((c) => [c.id, c] as const))(
    "WF-82 WF-83 %s: the reference dispatcher (the library's stub) gives a finding about the library",
    async (_id, c) => {
      const result = await runCase(new EmulatorTarget(profile), c);
      expect(result.status, result.error).toBe("finding");
      expect(result.findings?.map((f) => [f.key, f.about])).toEqual([
        [c.id.includes("terminate") ? "terminate-rollback-dropped" : "restart-from-dropped", "library"],
      ]);
    },
  );

  it.each(libraryOptionCases.map((c) => [c.id, c] as const))(
    "WF-82 WF-83 %s: the hardened dispatcher passes the options on: no finding",
    async (_id, c) => {
      const result = await runCase(new EmulatorTarget(profile, { dispatcherPath: HARDENED }), c);
      expect(result.status, result.error).toBe("pass");
      expect(result.findings ?? []).toEqual([]);
    },
  );
});
