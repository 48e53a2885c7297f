/** compare.html and the compare replay command, from a fixed compare report (no workerd needed). */
import { describe, expect, it } from "vitest";
import { renderCompareHtml } from "../../../cli/reports/compare-html.ts";
import { compareReplayCommand, type CompareReport } from "../../../cli/reports/compare-report.ts";
import type { Scenario } from "../../../suites/properties/scenario.ts";

const scenario: Scenario = {
  commands: [
    { kind: "create", tenant: "acme", plan: [{ do: "a", failTimes: 3 }], batch: false },
    { kind: "pause", instance: 0 },
  ],
};
const args = { seed: 1, timeScale: 50 };

const REPORT: CompareReport = {
  version: 1,
  seed: 1,
  timeScale: 50,
  startedAt: "2026-11-24T00:00:00.000Z",
  durationMs: 420_000,
  targets: ["emulator-local", "workerd"],
  dispatcher: "fixtures/dispatcher/index.ts",
  summary: {
    scenarios: 4,
    agreements: 2,
    explained: 1,
    byRule: { "interrupted-attempt-counts": 1 },
    unexplained: 1,
    notRun: 0,
  },
  rules: [
    { id: "interrupted-attempt-counts", reason: "WF-90: an interrupted attempt counts <on the local engine>" },
    { id: "never-needed", reason: "LE-07 & co" },
  ],
  scenarios: [
    { index: 0, path: "0", verdict: "agreement", rules: [], differences: [], durationMs: 1000, scenario },
    {
      index: 1,
      path: "1",
      verdict: "explained",
      rules: ["interrupted-attempt-counts"],
      differences: [
        { instance: "#0", field: "steps", emulator: [1], workerd: [4], rule: "interrupted-attempt-counts" },
      ],
      durationMs: 1000,
      scenario,
      replay: compareReplayCommand(args, "1"),
    },
    {
      index: 2,
      path: "2",
      verdict: "unexplained",
      rules: [],
      differences: [
        {
          instance: "#0",
          field: "error",
          emulator: "Error: planned failure 3 in a",
          workerd: "Error: <script>Aborting engine</script>",
        },
      ],
      durationMs: 1000,
      scenario,
      replay: compareReplayCommand(args, "2"),
    },
    { index: 3, path: "3", verdict: "agreement", rules: [], differences: [], durationMs: 1000, scenario },
  ],
  shrunk: [
    {
      index: 2,
      seed: 1,
      path: "2:0:1",
      runs: 9,
      flaky: false,
      scenario,
      differences: ["instance #0 error: emulator x | workerd y"],
      replay: compareReplayCommand(args, "2:0:1"),
    },
  ],
} as CompareReport;

describe("compareReplayCommand", () => {
  it("names seed and path, and only the non-default options", () => {
    expect(compareReplayCommand({ seed: 1, timeScale: 50 }, "15:0:2")).toBe(
      "npm run compare -- --seed 1 --path 15:0:2",
    );
    expect(compareReplayCommand({ seed: 9, timeScale: 20, dispatcher: "my/dispatcher.ts" }, "3")).toBe(
      "npm run compare -- --seed 9 --path 3 --time-scale 20 --dispatcher my/dispatcher.ts",
    );
  });

  it("installed in another project, the replay is the npx command (no npm scripts there)", () => {
    expect(compareReplayCommand({ seed: 1, timeScale: 50 }, "15:0:2", "installed")).toBe(
      "npx dwc compare --seed 1 --path 15:0:2",
    );
  });
});

describe("compare.html", () => {
  const html = renderCompareHtml(REPORT, { generatedAt: new Date("2026-11-24T01:00:00Z") });

  it("leads with the verdict: unexplained when any scenario is", () => {
    expect(html).toContain("<title>UNEXPLAINED · emulator vs workerd · seed 1</title>");
    expect(html.indexOf('id="unexplained"')).toBeLessThan(html.indexOf('id="explained"'));
    expect(
      renderCompareHtml({
        ...REPORT,
        summary: { ...REPORT.summary, unexplained: 0 },
        scenarios: REPORT.scenarios.filter((s) => s.verdict !== "unexplained"),
      }),
    ).toContain("ALL EXPLAINED");
  });

  it("shows each unexplained scenario with its difference, its replay, and the shrunk scenario's replay", () => {
    expect(html).toContain("<code>npm run compare -- --seed 1 --path 2</code>");
    expect(html).toContain("npm run compare -- --seed 1 --path 2:0:1");
    expect(html).toContain("9 runs, path 2:0:1");
    expect(html).toContain("1. acme creates an instance: do a (fails 3×)");
  });

  it("groups explained differences by rule with the rule's reason, including rules this run did not need", () => {
    expect(html).toContain('id="rule-interrupted-attempt-counts"');
    expect(html).toContain('Scenarios: <span class="mono">1</span>');
    expect(html).toContain("No scenario of this run needed it.");
  });

  it("escapes every piece of text", () => {
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;Aborting engine");
    expect(html).toContain("counts &lt;on the local engine&gt;");
    expect(html).toContain("LE-07 &amp; co");
  });
});

describe("against a deployment (dwc compare --target remote)", () => {
  const remote: CompareReport = {
    ...REPORT,
    targets: ["emulator-production", "remote"],
    endpoint: "https://dwc.example.workers.dev/",
  };

  it("names the deployment as the other side: title, heading, differences, time scale, its URL", () => {
    const html = renderCompareHtml(remote);
    expect(html).toContain("· emulator vs remote · seed 1</title>");
    expect(html).toContain("<h1>Emulator vs remote</h1>");
    expect(html).toContain("| remote &quot;Error: &lt;script&gt;Aborting engine&lt;/script&gt;&quot;");
    expect(html).toContain("ms of real time on remote per scenario second");
    expect(html).toContain(`<dt>Deployment</dt><dd class="mono">https://dwc.example.workers.dev/</dd>`);
    expect(html).not.toContain("Emulator vs workerd");
    expect(html).not.toContain("real time on workerd");
  });

  it("the replay command selects the deployment before the seed, and never carries a secret", () => {
    const targetArgs = ["--target", "remote", "--url", "https://dwc.example.workers.dev/"];
    expect(compareReplayCommand({ ...args, targetArgs }, "3")).toBe(
      "npm run compare -- --target remote --url https://dwc.example.workers.dev/ --seed 1 --path 3",
    );
  });
});
