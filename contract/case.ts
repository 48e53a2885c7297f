/**
 * A conformance case: written once, run on every target. It declares the capabilities it needs; it never asks
 * which target it runs on. Assertions use node:assert, so cases run the same under vitest and the CLI.
 */
import type { Capability, Provides } from "./capabilities.ts";
import type { RunningTarget } from "./target.ts";

/**
 * A case as defined: `needs` narrows the target `run` receives, so a case that needs `crash` calls `t.crash()`
 * (typed as present); a runner never starts a case on a target that lacks one of its needs.
 */
export interface CaseDefinition<N extends Capability> {
  /** Stable id `<suite>/<name>`: divergence lists and reports refer to it. */
  id: string;
  title: string;
  /** Spec items the case checks (docs/spec/workflows-and-worker-loader.md). */
  spec: readonly string[];
  needs?: readonly N[];
  /** Tenants the case uses (all get the probe tenant's code). Default: acme, globex, initech. */
  tenants?: readonly string[];
  /**
   * The case sends requests the dispatcher must refuse (bad input, another tenant's instance). Without it, any
   * 4xx/5xx answer fails the case: a pass built on refused requests proved nothing.
   */
  plansRefusals?: boolean;
  run(target: RunningTarget & Provides<N>, context: CaseContext): Promise<void>;
}

/** A case as runners hold it: `run` may be called only on a target that has every capability in `needs`. */
export interface ConformanceCase {
  id: string;
  title: string;
  spec: readonly string[];
  needs?: readonly Capability[];
  tenants?: readonly string[];
  /**
   * The case sends requests the dispatcher must refuse (bad input, another tenant's instance). Without it, any
   * 4xx/5xx answer fails the case: a pass built on refused requests proved nothing.
   */
  plansRefusals?: boolean;
  run(target: RunningTarget, context: CaseContext): Promise<void>;
}

export type Severity = "high" | "medium" | "low";

/**
 * A finding: something the subject (the library, the dispatcher) gets wrong that a user must know about. Not a
 * harness failure: the case completes, and the finding is shown in the summary and the reports.
 */
export interface Finding {
  /**
   * A stable key, unique within the case (`get-not-tenant-scoped`): `<case id>:<key>` names the finding in a
   * baseline file (docs/findings.md), so rewording a title never un-acknowledges it. Default: the title as a slug.
   */
  key?: string;
  severity: Severity;
  title: string;
  /** Plain words: what happened, why it matters, what to do. */
  explanation: string;
  /** Whose behaviour it is: the library's (every dispatcher that uses it as documented has it) or the dispatcher's. */
  about?: FindingSubject;
  /** What to change, and where (a finding about the library names what the dispatcher can do about it). */
  fix?: string;
}

export type FindingSubject = "library" | "dispatcher";

export interface CaseContext {
  finding(finding: Finding): void;
}

export function defineCase<const N extends Capability = never>(c: CaseDefinition<N>): ConformanceCase {
  if (!/^[a-z-]+\/[a-z0-9-]+$/.test(c.id)) throw new Error(`Case id "${c.id}" must look like "suite/name"`);
  // Sound because runners check `needs` against the target's capabilities before calling run (suites/run-case.ts).
  return c as unknown as ConformanceCase;
}
