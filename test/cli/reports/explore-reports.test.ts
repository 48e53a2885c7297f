/**
 * dwc explore's reports from canned results (test/cli/explore/canned.ts): explore-junit.xml (well-formed, one
 * testcase per workflow × input, findings as failures with their replay lines, a vacuous run failing) and
 * explore.html (verdict, schedules tried, the two step sequences side by side, the result diff, the at-least-once
 * table, everything escaped).
 */
import { describe, expect, it } from "vitest";
import { coverageLine, randomText } from "../../../cli/reports/explore-console.ts";
import { renderExploreHtml, sequencesTable } from "../../../cli/reports/explore-html.ts";
import { renderExploreJunit } from "../../../cli/reports/explore-junit.ts";
import { jsonDiff, renderJsonDifference } from "../../../cli/reports/json-diff.ts";
import type { ExploreRequest, ExploreResult } from "../../../simulation/explore/explore-result.ts";
import { cannedResult, failedCase, passedCase } from "../explore/canned.ts";
import { findAll, parseXml } from "./xml-check.ts";

const REQUEST = { seed: 7, profile: "production", replayPrefix: "npm start -- explore" } as ExploreRequest;
const withFindings = (): ExploreResult => cannedResult(REQUEST, [passedCase(), failedCase()]);

describe("explore-junit.xml", () => {
  it("has one testcase per workflow × input, a failure per failed case listing each finding's replay line", () => {
    const xml = renderExploreJunit(withFindings());
    const root = parseXml(xml);
    expect(root.attributes).toMatchObject({ tests: "2", failures: "1", errors: "0" });
    const cases = findAll(root, "testcase");
    expect(cases.map((c) => `${c.attributes.classname} ${c.attributes.name}`)).toEqual([
      "explore.greeting quick-reply",
      "explore.counter three",
    ]);
    const [failure] = findAll(cases[1], "failure");
    expect(failure.attributes.type).toBe("replay-unsafe");
    expect(failure.attributes.message).toContain('replay-unsafe: the second lifetime ran "do add 1733#1"');
    expect(failure.text).toContain(
      "replay:       npm start -- explore --config test/fixtures/explore/dwc.config.json --seed 7 --workflow counter --input three --path 3",
    );
    expect(failure.text).toContain("--path 12:0:1");
    expect(findAll(cases[0], "failure")).toHaveLength(0);
    expect(findAll(cases[0], "system-out")[0].text).toMatch(/do greet#1\s+2\s+crash before commit of do greet#1/);
  });

  it("fails a vacuous run in its own testcase, and counts an errored case as an error", () => {
    const vacuous = { ...cannedResult(REQUEST, []), vacuity: ["nothing was explored"] };
    const root = parseXml(renderExploreJunit(vacuous));
    expect(root.attributes).toMatchObject({ tests: "1", failures: "1" });
    expect(findAll(root, "failure")[0].attributes).toMatchObject({ type: "vacuous", message: "nothing was explored" });
    const errored = cannedResult(REQUEST, [{ ...failedCase(), verdict: "error" }]);
    expect(parseXml(renderExploreJunit(errored)).attributes).toMatchObject({ errors: "1", failures: "0" });
  });
});

describe("explore.html", () => {
  it("shows per workflow × input the verdict, schedules tried, findings with sequences and diff, at-least-once table", () => {
    const html = renderExploreHtml(withFindings(), { generatedAt: new Date("2026-01-01T00:00:00Z") });
    expect(html).toContain("<title>FAIL · dwc explore · seed 7</title>");
    expect(html).toContain(`<h2>greeting / quick-reply <span class="pill s-pass">✓ passed</span></h2>`);
    expect(html).toContain(`<h2>counter / three <span class="pill s-fail">✗ FAILED</span></h2>`);
    expect(html).toContain(
      "<strong>Schedules tried:</strong> crash points × steps: 4/4 tried · evictions after steps: 2/2 tried · hibernations at waits: 2/2 tried; random: 5 schedules (seed 7)",
    );
    expect(html).toContain("<h3>Replay-unsafe (1)</h3>");
    expect(html).toContain(`<td class="mono differs">do add 1732#1</td><td class="mono differs">do add 1733#1</td>`);
    expect(html).toContain("<h3>Result differences (1)</h3>");
    expect(html).toContain(`<li class="mono">$.total: 3 → 4</li>`);
    expect(html).toContain(`<li class="mono">$.items[2]: (absent) → &quot;&lt;b&gt;&quot;</li>`);
    expect(html).not.toContain("<b>");
    expect(html).toContain(
      `<tr><td class="mono">do greet#1</td><td>2</td><td>crash before commit of do greet#1</td></tr>`,
    );
    expect(html).toContain("No step callback ran twice under any fault.");
    expect(html).toContain(`<a href="#case-counter--three" class="mono">counter / three</a>`);
  });

  it("says why a vacuous run fails", () => {
    const html = renderExploreHtml({ ...cannedResult(REQUEST, []), vacuity: ["nothing was explored"] });
    expect(html).toContain(`<div class="verdict fail" role="status">`);
    expect(html).toContain(`<h2>Vacuous</h2>`);
    expect(html).toContain(`<p class="empty">None explored.</p>`);
  });

  it("marks only the first row where the sequences part, and shows a missing step as (none)", () => {
    const table = sequencesTable(["do a#1", "do b#1", "do c#1"], ["do a#1", "do x#1"]);
    expect(table.match(/differs/g)).toHaveLength(2);
    expect(table).toContain(`<td class="mono">do c#1</td><td class="mono"><span class="muted">(none)</span></td>`);
  });
});

describe("the coverage line", () => {
  it("counts both crash kinds as crash points × steps, and shows the random combinations the engine tried", () => {
    const c = {
      ...passedCase(),
      coverage: [
        { kind: "crash-before-commit", tried: 18, total: 18 },
        { kind: "crash-after-commit", tried: 18, total: 18 },
        { kind: "evict-after-step", tried: 6, total: 6 },
        { kind: "combined", tried: 40, total: 50 },
      ],
    } as ReturnType<typeof passedCase>;
    expect(`${coverageLine(c.coverage)}${randomText(c)}`).toBe(
      "crash points × steps: 36/36 tried · evictions after steps: 6/6 tried · random combinations: 40/50 tried (seed 7)",
    );
    expect(coverageLine([])).toBe("no systematic schedule");
  });
});

describe("jsonDiff", () => {
  it("lists each differing leaf with its path, and nothing for equal values", () => {
    expect(
      jsonDiff({ a: 1, b: [1, 2], "x-y": { z: true } }, { a: 1, b: [1, 3, 4], "x-y": {} }).map(renderJsonDifference),
    ).toEqual(["$.b[1]: 2 → 3", "$.b[2]: (absent) → 4", '$["x-y"].z: true → (absent)']);
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(jsonDiff("done", { status: "errored" }).map(renderJsonDifference)).toEqual([
      '$: "done" → {"status":"errored"}',
    ]);
  });
});
