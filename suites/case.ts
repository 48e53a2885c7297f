/**
 * A conformance case: written once, run on every target. It declares the capabilities it needs; it never asks
 * which target it runs on. Assertions use node:assert, so cases run the same under vitest and the CLI.
 */
import type { Capability, RunningTarget } from "../harness/target.ts";

export interface ConformanceCase {
  /** Stable id `<suite>/<name>`: divergence lists and reports refer to it. */
  id: string;
  title: string;
  /** Spec items the case checks (../shared/spec/workflows-and-worker-loader.md). */
  spec: readonly string[];
  needs?: readonly Capability[];
  /** Tenants the case uses (all get the probe tenant's code). Default: acme, globex, initech. */
  tenants?: readonly string[];
  run(target: RunningTarget): Promise<void>;
}

export function defineCase(c: ConformanceCase): ConformanceCase {
  if (!/^[a-z-]+\/[a-z0-9-]+$/.test(c.id)) throw new Error(`Case id "${c.id}" must look like "suite/name"`);
  return c;
}
