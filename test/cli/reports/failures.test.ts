/**
 * Failures as every report shows them: the full assertion (the case's words, the source line that names the field,
 * expected and actual), grouped by case across targets with one replay for the targets that failed the same way.
 * The failures are real AssertionErrors captured by suites/failure-detail.ts, not strings typed in.
 */
import assert from "node:assert/strict";
import { describe, expect, it } from "vitest";
import { consoleSummary } from "../../../cli/reports/console-summary.ts";
import { combinedReplay, groupFailures } from "../../../cli/reports/failure-groups.ts";
import { renderHtml } from "../../../cli/reports/html.ts";
import { renderJunit } from "../../../cli/reports/junit.ts";
import { buildResults } from "../../../cli/reports/results.ts";
import { failureDetail } from "../../../suites/failure-detail.ts";
import type { CaseResult } from "../../../suites/run-case.ts";
import { RUN } from "./fixture.ts";
import { findAll, parseXml } from "./xml-check.ts";

/** What a case throws when a globex request reached acme's isolate. */
function sharedIsolate(): Pick<CaseResult, "error" | "failure"> {
  const acme = { isolate: "acme/7" };
  const globex = { isolate: "acme/7" };
  try {
    assert.notEqual(globex.isolate, acme.isolate);
  } catch (error) {
    return { error: (error as Error).message, failure: failureDetail(error) };
  }
  throw new Error("unreachable");
}

function wrongTenant(got: string): Pick<CaseResult, "error" | "failure"> {
  try {
    assert.equal(got, "globex", `output came from tenant ${got}, expected globex`);
  } catch (error) {
    return { error: (error as Error).message, failure: failureDetail(error) };
  }
  throw new Error("unreachable");
}

const CASES = [
  { id: "isolation/no-shared-module-state", title: "no shared module state", spec: [] },
  { id: "routing/own-tenant", title: "own tenant", spec: [] },
];
const result = (target: string, caseId: string, extra: Partial<CaseResult>): CaseResult => ({
  caseId,
  title: "",
  target,
  status: "fail",
  durationMs: 5,
  ...extra,
});
const RESULTS: CaseResult[] = [
  result("production", CASES[0].id, sharedIsolate()),
  result("production", CASES[1].id, wrongTenant("acme")),
  result("local", CASES[0].id, sharedIsolate()),
  result("local", CASES[1].id, wrongTenant("initech")),
  result("workerd", CASES[0].id, sharedIsolate()),
  result("workerd", CASES[1].id, { status: "pass" }),
];
const results = buildResults(
  {
    ...RUN,
    targets: ["production", "local", "workerd"].map((name) => ({ ...RUN.targets[0], name })),
    cases: CASES,
    results: RESULTS,
  },
  "@cloudflare/dynamic-workflows@0.1.1",
);

describe("groupFailures", () => {
  const groups = groupFailures(results);

  it("gives one entry per failed case with every target it fails on, in case order", () => {
    expect(groups.map((g) => [g.caseId, g.targets])).toEqual([
      ["isolation/no-shared-module-state", ["production", "local", "workerd"]],
      ["routing/own-tenant", ["production", "local"]],
    ]);
  });

  it("one variant when the targets failed the same way, with one replay for all of them", () => {
    const [same] = groups;
    expect(same.variants).toHaveLength(1);
    expect(same.variants[0].replays).toEqual([
      "npm start -- --target production --target local --target workerd --case isolation/no-shared-module-state",
    ]);
    expect(same.variants[0].lines).toEqual([
      `Expected "actual" to be strictly unequal to`,
      expect.stringMatching(
        /^at test\/cli\/reports\/failures\.test\.ts:\d+: assert\.notEqual\(globex\.isolate, acme\.isolate\);$/,
      ),
      "expected: anything but 'acme/7'",
      "actual:   'acme/7'",
    ]);
  });

  it("a variant per distinct failure, each with its own targets", () => {
    const [, differs] = groups;
    expect(differs.variants.map((v) => [v.targets, v.lines[0], v.lines.at(-1)])).toEqual([
      [["production"], "output came from tenant acme, expected globex", "actual:   'acme'"],
      [["local"], "output came from tenant initech, expected globex", "actual:   'initech'"],
    ]);
  });

  it("keeps one replay per target when a target carries its own options (the remote target's --url)", () => {
    expect(
      combinedReplay([
        { target: "workerd", replay: "npm start -- --target workerd --case a/b" },
        { target: "remote", replay: "npm start -- --target remote --url https://x.dev --case a/b" },
      ]),
    ).toEqual([
      "npm start -- --target workerd --case a/b",
      "npm start -- --target remote --url https://x.dev --case a/b",
    ]);
  });
});

describe("the CLI's summary", () => {
  const text = consoleSummary(results).join("\n");

  it("lists each failed case once, with its targets, the assertion's line, expected and actual, and one replay", () => {
    const failed = text.slice(text.indexOf("Failed ("));
    expect(failed).toMatch(/^Failed \(2 cases, 5 results\):$/m);
    expect(failed.match(/isolation\/no-shared-module-state — fails on production, local, workerd$/gm)).toHaveLength(1);
    expect(failed).toMatch(
      /^ {8}at test\/cli\/reports\/failures\.test\.ts:\d+: assert\.notEqual\(globex\.isolate, acme\.isolate\);$/m,
    );
    expect(failed).toContain("        expected: anything but 'acme/7'\n        actual:   'acme/7'\n");
    expect(failed).toContain(
      "      replay: npm start -- --target production --target local --target workerd --case isolation/no-shared-module-state",
    );
    expect(failed).toContain("      on local: output came from tenant initech, expected globex");
  });

  it("does not show node's bare headline alone", () => {
    expect(text).not.toMatch(/Expected values to be strictly equal:?\n\s*replay/);
  });
});

describe("index.html", () => {
  const html = renderHtml(results, { generatedAt: new Date("2026-01-02T00:00:00Z") });
  const section = html.slice(html.indexOf('<section id="failures">'), html.indexOf('<section id="findings">'));

  it("one item per failed case naming its targets, the full assertion in a <pre>", () => {
    expect(section).toContain("Failures (2 cases, 5 results)");
    expect(section.match(/class="item failure"/g)).toHaveLength(2);
    expect(section).toContain(
      `<span class="mono">isolation/no-shared-module-state</span> <span class="muted">fails on</span> <span class="mono">production</span>, <span class="mono">local</span>, <span class="mono">workerd</span>`,
    );
    expect(section).toMatch(
      /<pre class="assertion">Expected &quot;actual&quot; to be strictly unequal to\nat test\/cli\/reports\/failures\.test\.ts:\d+: assert\.notEqual\(globex\.isolate, acme\.isolate\);\nexpected: anything but &#39;acme\/7&#39;\nactual: {3}&#39;acme\/7&#39;<\/pre>/,
    );
  });

  it("every failed cell of the matrix links to its case's entry", () => {
    expect(html.match(/href="#fail-isolation-no-shared-module-state">see failure/g)).toHaveLength(3);
    expect(section).toContain('id="fail-isolation-no-shared-module-state"');
  });
});

describe("junit.xml", () => {
  const root = parseXml(renderJunit(results));
  const failure = (target: string, caseId: string) =>
    findAll(findAll(root, "testsuite").find((s) => s.attributes.name === target)!, "testcase")
      .filter((t) => t.attributes.name.startsWith(`${caseId}: `))
      .flatMap((t) => findAll(t, "failure"))[0];

  it("the message attribute says what was compared and both values on one line", () => {
    expect(failure("local", "isolation/no-shared-module-state").attributes.message).toBe(
      "assert.notEqual(globex.isolate, acme.isolate); — expected anything but 'acme/7', actual 'acme/7'",
    );
    expect(failure("local", "routing/own-tenant").attributes.message).toBe(
      "output came from tenant initech, expected globex — expected 'globex', actual 'initech'",
    );
  });

  it("the body has the full assertion: where, expected, actual, then the replay", () => {
    const body = failure("production", "routing/own-tenant").text;
    expect(body).toMatch(
      /^output came from tenant acme, expected globex\nat test\/cli\/reports\/failures\.test\.ts:\d+: /,
    );
    expect(body).toContain(
      "expected: 'globex'\nactual:   'acme'\nreplay: npm start -- --target production --case routing/own-tenant",
    );
  });
});

describe("results.json", () => {
  it("keeps the failure as structure on the result", () => {
    const entry = results.results.find((r) => r.target === "local" && r.caseId === "routing/own-tenant")!;
    expect(entry.failure).toMatchObject({
      kind: "AssertionError",
      operator: "strictEqual",
      expected: "'globex'",
      actual: "'initech'",
      message: "output came from tenant initech, expected globex",
    });
  });
});

describe("findings in the reports", () => {
  const full = buildResults(RUN, "@cloudflare/dynamic-workflows@0.1.1");

  it("each says its id, whose behaviour it is and the fix: HTML, JUnit and the CLI", () => {
    const html = renderHtml(full);
    expect(html).toContain(
      `id <span class="mono">isolation/cross-tenant-read:get-not-tenant-scoped</span> · about the <strong>library</strong>`,
    );
    expect(html).toContain(
      `<p class="fix"><strong>Fix:</strong> Prefix ids with the tenant (the hardened dispatcher pattern).</p>`,
    );
    const junit = renderJunit(full);
    expect(junit).toContain(
      "    id: isolation/cross-tenant-read:get-not-tenant-scoped; about the library\n    Tenant globex read acme&#39;s output.",
    );
    expect(junit).toContain("    fix: Prefix ids with the tenant (the hardened dispatcher pattern).");
    const text = consoleSummary(full).join("\n");
    expect(text).toContain("      id: isolation/cross-tenant-read:get-not-tenant-scoped; about the library\n");
    expect(text).toContain("      fix: Prefix ids with the tenant (the hardened dispatcher pattern).\n");
  });
});
