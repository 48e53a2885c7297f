/**
 * Runs one conformance case on one target and classifies the outcome. Shared by the vitest projects and the CLI,
 * so both report the same thing.
 *
 * A case listed as a known divergence for a target must still fail there: if it starts passing, the outcome is
 * `divergence-fixed`, which fails the run until the list is updated (a ratchet).
 */
import { missingCapabilities } from "../contract/capabilities.ts";
import type { ConformanceCase, Finding } from "../contract/case.ts";
import type { Target } from "../contract/target.ts";
import { TenantRegistry } from "../contract/tenant-registry.ts";
import { unaddressableTenant } from "../contract/subject.ts";
import { DIVERGENCES, knownDivergence } from "./divergences.ts";
import { trackExercise, type Exercised } from "./exercise-tracker.ts";
import { failureDetail, type FailureDetail } from "./failure-detail.ts";

/** Every outcome of a case on a target, in the order reports list them. */
export const CASE_STATUSES = [
  "pass",
  "finding",
  "fail",
  "unsupported",
  "known-divergence",
  "divergence-fixed",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface CaseResult {
  caseId: string;
  title: string;
  target: string;
  status: CaseStatus;
  durationMs: number;
  /** The failure (fail, known-divergence). */
  error?: string;
  /** The failure as structure: which assertion (source line), expected and actual (suites/failure-detail.ts). */
  failure?: FailureDetail;
  /** Why it is unsupported or a known divergence. */
  reason?: string;
  /** What the case found wrong with the subject (status "finding"). */
  findings?: Finding[];
  /** What the case exercised (instances created, the first refused request); absent when it did not start. */
  exercised?: Exercised;
}

export const DEFAULT_TENANTS = ["acme", "globex", "initech"] as const;

/** A failing case, or a known divergence that now passes (the ratchet): either fails the run. */
export function isFailure(status: CaseStatus): boolean {
  return status === "fail" || status === "divergence-fixed";
}

export interface RunCaseOptions {
  /** A case still running after this long fails with a timeout (real time; default: no limit). */
  timeoutMs?: number;
}

export async function runCase(
  target: Target,
  c: ConformanceCase,
  divergences: Record<string, Record<string, string>> = DIVERGENCES,
  options: RunCaseOptions = {},
): Promise<CaseResult> {
  const base = { caseId: c.id, title: c.title, target: target.name };
  const missing = missingCapabilities(target, c.needs);
  if (missing.length > 0) {
    return { ...base, status: "unsupported", durationMs: 0, reason: `needs ${missing.join(", ")}` };
  }
  const started = performance.now();
  let error: string | undefined;
  let failure: FailureDetail | undefined;
  let disposeError: string | undefined;
  const findings: Finding[] = [];
  const budget = withTimeout(options.timeoutMs);
  let exercised: Exercised | undefined;
  let unaddressable: string | undefined;
  try {
    const running = await budget.race(target.start(TenantRegistry.probes(c.tenants ?? DEFAULT_TENANTS)));
    const tracked = trackExercise(running);
    exercised = tracked.exercised;
    try {
      // Tenant ids the subject cannot address (host routing) make the case meaningless there, not failed.
      for (const tenant of c.tenants ?? []) unaddressable ??= unaddressableTenant(running.subject?.tenant, tenant);
      if (unaddressable !== undefined) return { ...base, status: "unsupported", durationMs: 0, reason: unaddressable };
      await budget.race(c.run(tracked.target, { finding: (f) => findings.push(f) }));
      // A pass whose requests were refused proved nothing: the refusal is the failure, unless the case plans it.
      if (!c.plansRefusals && exercised.firstRefusal !== undefined) {
        throw new Error(`a tenant request was refused that the case did not plan: ${exercised.firstRefusal}`);
      }
    } finally {
      // A target stuck in the case may be stuck in dispose too: give it the same budget again, then move on.
      const disposeBudget = withTimeout(options.timeoutMs);
      await disposeBudget.race(running.dispose()).catch((thrown: unknown) => {
        disposeError = `the target failed to shut down after the case: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
      });
      disposeBudget.clear();
    }
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.message : String(thrown);
    failure = failureDetail(thrown);
  } finally {
    budget.clear();
  }
  // The case's own failure says more; a failed shutdown alone still fails the case rather than vanish.
  error ??= disposeError;
  const durationMs = performance.now() - started;
  const divergence = knownDivergence(target.name, c.id, divergences);
  if (exercised) Object.assign(base, { exercised });
  const failed = failure === undefined ? {} : { failure };
  if (divergence) {
    return error === undefined
      ? {
          ...base,
          status: "divergence-fixed",
          durationMs,
          reason: divergence,
          error: `listed as a known divergence ("${divergence}") but it passes: remove it from suites/divergences.ts`,
        }
      : { ...base, status: "known-divergence", durationMs, reason: divergence, error, ...failed };
  }
  if (error !== undefined) return { ...base, status: "fail", durationMs, error, ...failed, findings };
  return findings.length > 0
    ? { ...base, status: "finding", durationMs, findings }
    : { ...base, status: "pass", durationMs };
}

/** Races promises against one real-time deadline; `clear()` so a finished case leaves no timer behind. */
function withTimeout(timeoutMs: number | undefined) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired =
    timeoutMs === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(
                  `timed out after ${timeoutMs / 1000} s (the case budget: --case-timeout or budget.caseTimeoutSeconds)`,
                ),
              ),
            timeoutMs,
          );
        });
  expired?.catch(() => undefined);
  return {
    race<T>(work: Promise<T>): Promise<T> {
      return expired ? Promise.race([work, expired]) : work;
    },
    clear() {
      clearTimeout(timer);
    },
  };
}
