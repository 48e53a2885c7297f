/**
 * A fixed run for the report tests: three targets (never started), seven cases, every status, findings shared
 * across targets, and hostile text (`<script>`, quotes, ampersands, ANSI escapes) in errors and reasons.
 */
import type { ReportRun } from "../../../cli/reports/write-reports.ts";
import type { CaseResult } from "../../../suites/run-case.ts";
import type { Capabilities } from "../../../contract/capabilities.ts";

const ALL: Capabilities = {
  virtualTime: true,
  crash: true,
  crashPoints: true,
  evictIsolates: true,
  loaderFaults: true,
  trace: true,
  hostBinding: true,
  introspection: true,
};
const SOME: Capabilities = {
  ...ALL,
  virtualTime: false,
  crashPoints: false,
  evictIsolates: false,
  loaderFaults: false,
  trace: false,
  introspection: false,
};

export const HOSTILE_ERROR = `expected "acme" but got <script>alert('pwned')</script> & more\u001b[31m red\u001b[39m\u0000`;

export const CASES = [
  { id: "routing/own-tenant", title: "each step runs the creating tenant's code", spec: ["WF-05", "WF-12"] },
  { id: "routing/crash-mid-step", title: "a crash mid-step re-runs it in the same tenant", spec: ["WF-90"] },
  {
    id: "routing/reload-after-eviction",
    title: "an evicted isolate is reloaded with the same tenant's code",
    spec: ["WL-04"],
  },
  { id: "steps/retry", title: "a failing step retries <three> times & succeeds", spec: ["WF-31"] },
  { id: "steps/ratchet", title: "a listed divergence that now passes", spec: [] },
  { id: "isolation/cross-tenant-read", title: "a tenant cannot read another tenant's instance", spec: ["WF-70"] },
  { id: "isolation/shared-id-space", title: "ids are per tenant", spec: ["WF-73"] },
] as const;

const READ_FINDING = {
  key: "get-not-tenant-scoped",
  about: "library",
  fix: "Prefix ids with the tenant (the hardened dispatcher pattern).",
  severity: "high",
  title: "get() is not tenant-scoped: a tenant reads another tenant's instance",
  explanation: "Tenant globex read acme's output. Check the instance's metadata in the dispatcher.",
} as const;
const ID_FINDING = {
  severity: "medium",
  title: "one id space for all tenants",
  explanation: `A refusal says "already exists" & leaks that the id is used.`,
} as const;
const LOW_FINDING = {
  severity: "low",
  title: "a low finding seen with a failure",
  explanation: "Found while the case failed.",
} as const;

const KNOWN = "The local engine never hibernates (WF-08): evicting the isolate reloads nothing until the next replay.";

function r(target: string, caseId: string, status: CaseResult["status"], extra: Partial<CaseResult> = {}): CaseResult {
  const c = CASES.find((x) => x.id === caseId)!;
  return { caseId, title: c.title, target, status, durationMs: status === "unsupported" ? 0 : 12.345, ...extra };
}

export const RESULTS: CaseResult[] = [
  // production: 3 pass, 1 fail, 1 divergence-fixed, 2 finding
  r("production", "routing/own-tenant", "pass"),
  r("production", "routing/crash-mid-step", "fail", { error: HOSTILE_ERROR, findings: [] }),
  r("production", "routing/reload-after-eviction", "pass"),
  r("production", "steps/retry", "pass"),
  r("production", "steps/ratchet", "divergence-fixed", {
    reason: "listed because it used to fail",
    error:
      'listed as a known divergence ("listed because it used to fail") but it passes: remove it from suites/divergences.ts',
  }),
  r("production", "isolation/cross-tenant-read", "finding", { findings: [READ_FINDING] }),
  r("production", "isolation/shared-id-space", "finding", { findings: [ID_FINDING] }),
  // local: 4 pass, 1 known-divergence, 1 finding, 1 fail (with a finding)
  r("local", "routing/own-tenant", "pass"),
  r("local", "routing/crash-mid-step", "pass"),
  r("local", "routing/reload-after-eviction", "known-divergence", {
    reason: KNOWN,
    error: "the step after the eviction ran in a new isolate",
  }),
  r("local", "steps/retry", "fail", {
    error: "step failed 4 times\nsecond line of the error",
    findings: [LOW_FINDING],
  }),
  r("local", "steps/ratchet", "pass"),
  r("local", "isolation/cross-tenant-read", "finding", { findings: [READ_FINDING] }),
  r("local", "isolation/shared-id-space", "pass"),
  // remote: 3 unsupported, 4 pass
  r("remote", "routing/own-tenant", "pass"),
  r("remote", "routing/crash-mid-step", "unsupported", { reason: "needs crashPoints" }),
  r("remote", "routing/reload-after-eviction", "unsupported", { reason: "needs evictIsolates" }),
  r("remote", "steps/retry", "unsupported", { reason: "needs virtualTime" }),
  r("remote", "steps/ratchet", "pass"),
  r("remote", "isolation/cross-tenant-read", "pass"),
  r("remote", "isolation/shared-id-space", "pass"),
];

export const RUN: ReportRun = {
  startedAt: new Date("2026-01-02T03:04:05.678Z"),
  durationMs: 47228.44,
  dispatcher: "fixtures/dispatcher/index.ts",
  library: "@cloudflare/dynamic-workflows@0.1.1",
  targets: [
    { name: "production", profile: "production", capabilities: ALL },
    { name: "local", profile: "local", capabilities: ALL },
    { name: "remote", profile: "production", capabilities: SOME, url: "https://dwc.example.workers.dev/" },
  ],
  cases: CASES,
  results: RESULTS,
};
