/** Registers every conformance case as a vitest test for one target. */
import { describe, expect, it } from "vitest";
import { isFailure, runCase } from "../../../suites/run-case.ts";
import { missingCapabilities } from "../../../contract/capabilities.ts";
import type { Target } from "../../../contract/target.ts";
import { SUITES } from "../../../suites/index.ts";

export function defineConformance(target: Target): void {
  describe(target.name, () => {
    for (const [suite, cases] of Object.entries(SUITES)) {
      describe(suite, () => {
        for (const c of cases) {
          const missing = missingCapabilities(target, c.needs);
          // Written reason: the target lacks a capability the case needs; reported as unsupported, not passed.
          it.skipIf(missing.length > 0)(
            `${c.id}: ${c.title}${missing.length ? ` [unsupported: needs ${missing.join(", ")}]` : ""}`,
            async (ctx) => {
              const result = await runCase(target, c);
              if (result.status === "known-divergence") ctx.annotate(`known divergence: ${result.reason}`);
              for (const finding of result.findings ?? [])
                ctx.annotate(`finding [${finding.severity}] ${finding.title}`);
              expect(isFailure(result.status), `${result.status}: ${result.error}`).toBe(false);
            },
          );
        }
      });
    }
  });
}
