/** Reading a results.json back: every way it can be wrong gets an error naming the file and the field. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkResults, readResultsJson, ResultsFileError } from "../../../cli/reports/read-results.ts";
import { buildResults } from "../../../cli/reports/results.ts";
import { RUN } from "./fixture.ts";

const good = buildResults(RUN, "@cloudflare/dynamic-workflows@0.1.1");
const copy = () => JSON.parse(JSON.stringify(good)) as Record<string, any>;

describe("readResultsJson", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dwc-read-results-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads back what buildResults wrote", async () => {
    const file = join(dir, "good.json");
    await writeFile(file, JSON.stringify(good));
    expect(await readResultsJson(file)).toEqual(good);
  });

  it("says so when the file is missing, and how to make one", async () => {
    await expect(readResultsJson(join(dir, "nope.json"))).rejects.toThrow(
      /nope\.json: no such file \(run `npm start` first/,
    );
  });

  it("says so when the file is not JSON", async () => {
    const file = join(dir, "truncated.json");
    await writeFile(file, JSON.stringify(good).slice(0, 100));
    await expect(readResultsJson(file)).rejects.toThrow(/truncated\.json: not JSON/);
  });
});

describe("checkResults", () => {
  const cases: Array<[string, (d: Record<string, any>) => unknown, RegExp]> = [
    ["an array", () => [], /the file is not a JSON object/],
    ["another version", (d) => ({ ...d, version: 1 }), /version is 1, this harness reads version 2/],
    ["a bad date", (d) => ({ ...d, startedAt: "yesterday" }), /startedAt must be an ISO date string/],
    ["no subject", (d) => ({ ...d, subject: undefined }), /subject must be/],
    [
      "a target without capabilities",
      (d) => ({ ...d, targets: [{ name: "x", profile: "production" }] }),
      /targets\[0\] must be/,
    ],
    ["a case without spec", (d) => ({ ...d, cases: [...d.cases, { id: "x", title: "y" }] }), /cases\[7\] must be/],
    [
      "an unknown status",
      (d) => ({ ...d, results: d.results.map((r: any, i: number) => (i === 3 ? { ...r, status: "flaky" } : r)) }),
      /results\[3\]\.status is "flaky", expected one of pass, finding, fail/,
    ],
    ["no findings", (d) => ({ ...d, findings: null }), /findings must be an array/],
  ];
  for (const [what, mutate, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => checkResults(mutate(copy()), "r.json")).toThrow(ResultsFileError);
      expect(() => checkResults(mutate(copy()), "r.json")).toThrow(message);
    });
  }
});
