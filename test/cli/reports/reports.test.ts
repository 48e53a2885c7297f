/**
 * The three reports (cli/reports/write-reports.ts) from a fixed run covering every status: nothing is started,
 * the CaseResult[] is built by hand (fixture.ts) and written to a temp dir.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../../cli/reports/html.ts";
import { buildResults, replayCommand, type ResultsJson } from "../../../cli/reports/results.ts";
import { installedLibrary, writeReports } from "../../../cli/reports/write-reports.ts";
import { CASES, RUN } from "./fixture.ts";
import { findAll, parseXml, type XmlElement } from "./xml-check.ts";
import { ROOT } from "../../support/run-cli.ts";

let dir: string;
let json: ResultsJson;
let junitXml: string;
let html: string;
let written: Awaited<ReturnType<typeof writeReports>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dwc-reports-"));
  await writeFile(join(dir, "README.md"), "kept\n");
  written = await writeReports(join(dir, "out"), RUN, { generatedAt: new Date("2026-01-02T03:05:00.000Z") });
  // A second run into a directory that already has a README: the README stays.
  await writeFile(join(dir, "out", "README.md"), "kept\n");
  written = await writeReports(join(dir, "out"), RUN, { generatedAt: new Date("2026-01-02T03:05:00.000Z") });
  json = JSON.parse(await readFile(written.json, "utf8"));
  junitXml = await readFile(written.junit, "utf8");
  html = await readFile(written.html, "utf8");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeReports", () => {
  it("writes index.html, results.json and junit.xml into the directory (created), leaving other files alone", async () => {
    expect(written.html).toBe(join(dir, "out", "index.html"));
    expect(written.json).toBe(join(dir, "out", "results.json"));
    expect(written.junit).toBe(join(dir, "out", "junit.xml"));
    expect((await readdir(join(dir, "out"))).sort()).toEqual(["README.md", "index.html", "junit.xml", "results.json"]);
    expect(await readFile(join(dir, "out", "README.md"), "utf8")).toBe("kept\n");
  });

  it("reads the library version from node_modules when the run does not give it", () => {
    expect(installedLibrary()).toMatch(/^@cloudflare\/dynamic-workflows@\d+\.\d+\.\d+/);
  });

  it("installed in a user's project, the version is the one in that project's node_modules, not the tool's", async () => {
    const project = join(dir, "user-project");
    await mkdir(join(project, "node_modules/@cloudflare/dynamic-workflows"), { recursive: true });
    await writeFile(join(project, "node_modules/@cloudflare/dynamic-workflows/package.json"), `{ "version": "9.8.7" }`);
    await mkdir(join(project, "src"), { recursive: true });
    expect(installedLibrary(join(project, "src"))).toBe("@cloudflare/dynamic-workflows@9.8.7");
    // A folder with no install of its own falls back to the tool's (this repository's devDependency).
    expect(installedLibrary(tmpdir())).toBe(installedLibrary(ROOT));
    expect(installedLibrary(ROOT)).not.toBe("@cloudflare/dynamic-workflows@9.8.7");
  });
});

describe("results.json", () => {
  it("has the documented top-level keys, in a stable order", () => {
    expect(Object.keys(json)).toEqual([
      "version",
      "startedAt",
      "durationMs",
      "verdict",
      "subject",
      "targets",
      "cases",
      "results",
      "summary",
      "findings",
    ]);
    expect(json.version).toBe(2);
    expect(json.startedAt).toBe("2026-01-02T03:04:05.678Z");
    expect(json.durationMs).toBe(47228.4);
    expect(json.verdict).toBe("fail");
    expect(json.subject).toEqual({
      dispatcher: "fixtures/dispatcher/index.ts",
      library: "@cloudflare/dynamic-workflows@0.1.1",
    });
  });

  it("lists targets with profile and capabilities (and the remote URL), and cases with their suite", () => {
    expect(json.targets.map((t) => [t.name, t.profile])).toEqual([
      ["production", "production"],
      ["local", "local"],
      ["remote", "production"],
    ]);
    expect(json.targets[2].url).toBe("https://dwc.example.workers.dev/");
    expect("url" in json.targets[0]).toBe(false);
    expect(json.targets[2].capabilities.virtualTime).toBe(false);
    expect(json.cases).toHaveLength(CASES.length);
    expect(json.cases[0]).toEqual({
      id: "routing/own-tenant",
      title: "each step runs the creating tenant's code",
      spec: ["WF-05", "WF-12"],
      suite: "routing",
    });
    expect(json.cases.map((c) => c.suite)).toEqual([
      "routing",
      "routing",
      "routing",
      "steps",
      "steps",
      "isolation",
      "isolation",
    ]);
  });

  it("has per-target counts by status", () => {
    expect(json.summary).toEqual({
      production: {
        pass: 3,
        finding: 2,
        fail: 1,
        unsupported: 0,
        "known-divergence": 0,
        "divergence-fixed": 1,
        total: 7,
      },
      local: { pass: 4, finding: 1, fail: 1, unsupported: 0, "known-divergence": 1, "divergence-fixed": 0, total: 7 },
      remote: { pass: 4, finding: 0, fail: 0, unsupported: 3, "known-divergence": 0, "divergence-fixed": 0, total: 7 },
    });
  });

  it("has one result per case and target, keys in order, undefined fields omitted, durations rounded", () => {
    expect(json.results).toHaveLength(21);
    const fail = json.results.find((r) => r.target === "production" && r.caseId === "routing/crash-mid-step")!;
    expect(Object.keys(fail)).toEqual(["caseId", "target", "status", "durationMs", "error", "replay"]);
    expect(fail.durationMs).toBe(12.3);
    const pass = json.results.find((r) => r.status === "pass")!;
    expect(Object.keys(pass)).toEqual(["caseId", "target", "status", "durationMs"]);
    const kd = json.results.find((r) => r.status === "known-divergence")!;
    expect(Object.keys(kd)).toEqual(["caseId", "target", "status", "durationMs", "error", "reason", "replay"]);
    expect(json.results.find((r) => r.status === "unsupported")!.reason).toBe("needs crashPoints");
  });

  it("gives every result that is not a pass or unsupported a one-line replay command for exactly that case and target", () => {
    for (const r of json.results) {
      if (r.status === "pass" || r.status === "unsupported") {
        expect(r.replay).toBeUndefined();
        continue;
      }
      expect(r.replay).not.toContain("\n");
      expect(r.replay).toBe(`npm start -- --target ${r.target} --case ${r.caseId}`);
    }
    expect(json.results.filter((r) => r.replay).length).toBe(7);
  });

  it("the remote target's replay carries its URL (its token comes from the environment) and odd words are quoted", () => {
    expect(replayCommand("remote", "steps/retry", "https://dwc.example.workers.dev/")).toBe(
      "npm start -- --target remote --url https://dwc.example.workers.dev/ --case steps/retry",
    );
    expect(replayCommand("remote", "steps/retry", "https://x.dev/?a=1&b='2'")).toBe(
      `npm start -- --target remote --url 'https://x.dev/?a=1&b='\\''2'\\''' --case steps/retry`,
    );
  });

  it("deduplicates findings by id (case and key), most severe first, with explanation, cases and targets", () => {
    expect(json.findings).toEqual([
      {
        id: "isolation/cross-tenant-read:get-not-tenant-scoped",
        severity: "high",
        title: "get() is not tenant-scoped: a tenant reads another tenant's instance",
        explanation: "Tenant globex read acme's output. Check the instance's metadata in the dispatcher.",
        about: "library",
        fix: "Prefix ids with the tenant (the hardened dispatcher pattern).",
        cases: ["isolation/cross-tenant-read"],
        targets: ["production", "local"],
      },
      {
        id: "isolation/shared-id-space:one-id-space-for-all-tenants",
        severity: "medium",
        title: "one id space for all tenants",
        explanation: `A refusal says "already exists" & leaks that the id is used.`,
        cases: ["isolation/shared-id-space"],
        targets: ["production"],
      },
      {
        id: "steps/retry:a-low-finding-seen-with-a-failure",
        severity: "low",
        title: "a low finding seen with a failure",
        explanation: "Found while the case failed.",
        cases: ["steps/retry"],
        targets: ["local"],
      },
    ]);
    // An empty findings array on a result is omitted.
    expect(
      json.results.find((r) => r.caseId === "routing/crash-mid-step" && r.target === "production")!.findings,
    ).toBeUndefined();
  });

  it("a run without failures has verdict pass; JSON output is the same object buildResults returns", () => {
    const clean = buildResults(
      { ...RUN, results: RUN.results.filter((r) => r.status !== "fail" && r.status !== "divergence-fixed") },
      "lib@1",
    );
    expect(clean.verdict).toBe("pass");
    expect(json).toEqual(JSON.parse(JSON.stringify(buildResults(RUN, "@cloudflare/dynamic-workflows@0.1.1"))));
  });
});

describe("junit.xml", () => {
  let root: XmlElement;
  beforeAll(() => {
    root = parseXml(junitXml);
  });
  const suite = (name: string) => findAll(root, "testsuite").find((s) => s.attributes.name === name)!;
  const testcase = (target: string, caseId: string) =>
    findAll(suite(target), "testcase").find((t) => t.attributes.name.startsWith(`${caseId}: `))!;

  it("is well-formed XML with an XML declaration and a <testsuites> root with the totals", () => {
    expect(junitXml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n`)).toBe(true);
    expect(root.name).toBe("testsuites");
    expect(root.attributes).toMatchObject({ tests: "21", failures: "3", errors: "0", skipped: "3", time: "47.228" });
  });

  it("has one testsuite per target and one testcase per case, classname = suite, name = id + title", () => {
    expect(findAll(root, "testsuite").map((s) => s.attributes.name)).toEqual(["production", "local", "remote"]);
    for (const s of findAll(root, "testsuite")) {
      const cases = findAll(s, "testcase");
      expect(cases).toHaveLength(CASES.length);
      expect(cases.map((c) => c.attributes.classname)).toEqual(CASES.map((c) => c.id.split("/")[0]));
      expect(cases.map((c) => c.attributes.name)).toEqual(CASES.map((c) => `${c.id}: ${c.title}`));
    }
    expect(testcase("production", "steps/retry").attributes.name).toBe(
      "steps/retry: a failing step retries <three> times & succeeds",
    );
    expect(testcase("production", "routing/own-tenant").attributes.time).toBe("0.012");
  });

  it("has the right failure and skipped counts per suite", () => {
    const counts = (name: string) => ({
      failures: findAll(suite(name), "failure").length,
      skipped: findAll(suite(name), "skipped").length,
      attributes: [suite(name).attributes.tests, suite(name).attributes.failures, suite(name).attributes.skipped],
    });
    expect(counts("production")).toEqual({ failures: 2, skipped: 0, attributes: ["7", "2", "0"] });
    expect(counts("local")).toEqual({ failures: 1, skipped: 0, attributes: ["7", "1", "0"] });
    expect(counts("remote")).toEqual({ failures: 0, skipped: 3, attributes: ["7", "0", "3"] });
  });

  it("fail → <failure> with the error (escaped, round-tripping) and the replay command", () => {
    const failure = findAll(testcase("production", "routing/crash-mid-step"), "failure")[0];
    expect(failure.attributes.type).toBe("fail");
    expect(failure.attributes.message).toBe(
      `expected "acme" but got <script>alert('pwned')</script> & more\\u001B[31m red\\u001B[39m\\u0000`,
    );
    expect(failure.text).toContain("<script>alert('pwned')</script>");
    expect(failure.text).toContain("replay: npm start -- --target production --case routing/crash-mid-step");
    // A multi-line error: the message attribute is its first line, the body has all of it.
    const multi = findAll(testcase("local", "steps/retry"), "failure")[0];
    expect(multi.attributes.message).toBe("step failed 4 times");
    expect(multi.text).toContain("second line of the error");
    expect(findAll(testcase("local", "steps/retry"), "system-out")[0].text).toContain(
      "[low] a low finding seen with a failure",
    );
  });

  it("divergence-fixed → <failure> saying to update the list", () => {
    const failure = findAll(testcase("production", "steps/ratchet"), "failure")[0];
    expect(failure.attributes.type).toBe("divergence-fixed");
    expect(failure.attributes.message).toContain("remove it from suites/divergences.ts");
  });

  it('unsupported → <skipped message="unsupported: needs …"/>', () => {
    expect(findAll(suite("remote"), "skipped").map((s) => s.attributes.message)).toEqual([
      "unsupported: needs crashPoints",
      "unsupported: needs evictIsolates",
      "unsupported: needs virtualTime",
    ]);
    expect(findAll(testcase("remote", "routing/crash-mid-step"), "skipped")[0].children).toEqual([]);
  });

  it("known-divergence passes with a <system-out> note giving the reason", () => {
    const tc = testcase("local", "routing/reload-after-eviction");
    expect(findAll(tc, "failure")).toEqual([]);
    expect(findAll(tc, "skipped")).toEqual([]);
    const out = findAll(tc, "system-out")[0].text;
    expect(out).toContain("known divergence");
    expect(out).toContain("The local engine never hibernates");
  });

  it("finding passes with a <system-out> listing the findings (severity, title)", () => {
    const tc = testcase("production", "isolation/cross-tenant-read");
    expect(findAll(tc, "failure")).toEqual([]);
    const out = findAll(tc, "system-out")[0].text;
    expect(out).toContain("[high] get() is not tenant-scoped: a tenant reads another tenant's instance");
    expect(findAll(testcase("production", "isolation/shared-id-space"), "system-out")[0].text).toContain(
      "[medium] one id space for all tenants",
    );
  });

  it("a pass has no children", () => {
    expect(testcase("production", "routing/own-tenant").children).toEqual([]);
  });
});

describe("index.html", () => {
  const at = (needle: string) => {
    const index = html.indexOf(needle);
    expect(index, needle).toBeGreaterThanOrEqual(0);
    return index;
  };

  it("is one self-contained document: inline CSS, no scripts, no external resources", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<style>");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed)\b/i);
    // No URL in any src or href: only in-page anchors.
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:|\/\/)/i);
    for (const [, value] of html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/gi))
      expect(value.startsWith("#"), value).toBe(true);
    expect(html).not.toMatch(/url\(|@import/i);
  });

  it("puts the verdict and per-target totals first, then failures, findings, the matrix, known divergences, unsupported", () => {
    const order = [
      "✗ FAIL",
      'id="failures"',
      'id="findings"',
      'id="matrix"',
      'id="known-divergences"',
      'id="unsupported"',
      "<footer>",
    ].map(at);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(at('aria-label="Totals per target"')).toBeLessThan(at('id="failures"'));
  });

  it("lists each failure before the matrix, with its error and replay command", () => {
    const matrix = at('id="matrix"');
    for (const replay of [
      "npm start -- --target production --case routing/crash-mid-step",
      "npm start -- --target local --case steps/retry",
      "npm start -- --target production --case steps/ratchet",
    ]) {
      expect(at(`<code>${replay}</code>`)).toBeLessThan(matrix);
    }
    expect(at("second line of the error")).toBeLessThan(matrix);
    expect(html).toContain("Failures (3 cases)");
  });

  it("escapes all text: a <script> in an error appears as text", () => {
    expect(html).toContain(
      "expected &quot;acme&quot; but got &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; more\\u001B[31m",
    );
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("a failing step retries &lt;three&gt; times &amp; succeeds");
    expect(html).toContain("A refusal says &quot;already exists&quot; &amp; leaks");
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it("contains every case id, in the matrix with one cell per target saying its status in words", () => {
    const matrix = html.slice(at('id="matrix"'), at('id="known-divergences"'));
    for (const c of CASES) expect(matrix).toContain(`>${c.id}<`);
    expect(matrix.match(/<td class="cell">/g)).toHaveLength(21);
    for (const label of [
      "✓ pass",
      "✗ FAIL",
      "! finding",
      "– unsupported",
      "≈ known divergence",
      "✗ divergence now passes",
    ])
      expect(matrix).toContain(label);
  });

  it("shows findings grouped by severity with explanations and where they were seen", () => {
    const findings = html.slice(at('id="findings"'), at('id="matrix"'));
    const high = findings.indexOf("High severity (1)");
    const medium = findings.indexOf("Medium severity (1)");
    const low = findings.indexOf("Low severity (1)");
    expect(high).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(high);
    expect(low).toBeGreaterThan(medium);
    expect(findings).toContain("Tenant globex read acme&#39;s output.");
    expect(findings).toMatch(
      /Seen in <span class="mono">isolation\/cross-tenant-read<\/span> on <span class="mono">production<\/span>, <span class="mono">local<\/span>/,
    );
  });

  it("gives known divergences their reasons and unsupported cases the missing capability", () => {
    const kd = html.slice(at('id="known-divergences"'), at('id="unsupported"'));
    expect(kd).toContain("The local engine never hibernates (WF-08)");
    const unsupported = html.slice(at('id="unsupported"'), at("<footer>"));
    for (const need of ["needs crashPoints", "needs evictIsolates", "needs virtualTime"])
      expect(unsupported).toContain(need);
  });

  it("shows the subject, the library version and the generated time", () => {
    expect(html).toContain("@cloudflare/dynamic-workflows@0.1.1");
    expect(html).toContain("fixtures/dispatcher/index.ts");
    expect(html).toContain("2026-01-02T03:05:00.000Z");
  });

  it("a clean run says PASS, and says so with findings when there are some", () => {
    const clean = buildResults(
      { ...RUN, results: RUN.results.filter((r) => r.status === "pass" || r.status === "unsupported") },
      "lib@1",
    );
    const page = renderHtml(clean);
    expect(page).toContain("✓ PASS</strong>");
    expect(page).toContain("No failures.");
    const withFindings = buildResults(
      { ...RUN, results: RUN.results.filter((r) => r.status === "pass" || r.status === "finding") },
      "lib@1",
    );
    expect(renderHtml(withFindings)).toContain("✓ PASS, with findings");
  });
});
