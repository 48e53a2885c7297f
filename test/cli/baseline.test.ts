/**
 * The findings baseline (cli/baseline.ts, `dwc run --baseline / --write-baseline`): green while every finding is
 * acknowledged, red on a new one, red when an acknowledged one disappears (the ratchet), and only judging what the
 * run actually completed. The end-to-end part runs the CLI on the emulator with the reference dispatcher, whose
 * isolation findings are real.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baselineFrom, compareBaseline, readBaseline, type BaselineFile } from "../../cli/baseline.ts";
import { withOptionalValues } from "../../cli/commands/run-baseline.ts";
import type { ResultsEntry, ResultsJson } from "../../cli/reports/results.ts";
import { parseXml } from "./reports/xml-check.ts";
import { runCli } from "../support/run-cli.ts";

const READ = "isolation/cross-tenant-read:get-not-tenant-scoped";
const EVENT = "isolation/cross-tenant-event:send-event-across-tenants";

function entry(caseId: string, target: string, status: ResultsEntry["status"], ids: string[] = []): ResultsEntry {
  const findings = ids.map((id) => ({ id, severity: "high" as const, title: `title of ${id}`, explanation: "x" }));
  return { caseId, target, status, durationMs: 1, ...(findings.length > 0 ? { findings } : {}) };
}

const baselineOf = (findings: { id: string; targets: string[] }[]): BaselineFile => ({
  version: 1,
  about: "",
  findings: findings.map((f) => ({ ...f, severity: "high", title: "t" })),
});

describe("compareBaseline", () => {
  it("acknowledges a finding listed for its target; a finding on another target is new", () => {
    const results = [
      entry("isolation/cross-tenant-read", "emulator-production", "finding", [READ]),
      entry("isolation/cross-tenant-read", "workerd", "finding", [READ]),
    ];
    const outcome = compareBaseline(baselineOf([{ id: READ, targets: ["emulator-production"] }]), results, "b.json");
    expect(outcome.acknowledged).toBe(1);
    expect(outcome.new.map((n) => [n.id, n.target, n.caseId])).toEqual([
      [READ, "workerd", "isolation/cross-tenant-read"],
    ]);
    expect(outcome.gone).toEqual([]);
  });

  it("a listed finding whose case completed without it is gone; one whose case did not complete is not judged", () => {
    const baseline = baselineOf([
      { id: READ, targets: ["emulator-production", "emulator-local", "workerd", "remote"] },
    ]);
    const results = [
      entry("isolation/cross-tenant-read", "emulator-production", "pass"),
      entry("isolation/cross-tenant-read", "emulator-local", "fail"),
      entry("isolation/cross-tenant-read", "workerd", "unsupported"),
      // remote: not run at all
    ];
    const outcome = compareBaseline(baseline, results, "b.json");
    expect(outcome.gone.map((g) => g.target)).toEqual(["emulator-production"]);
    expect(outcome.new).toEqual([]);
  });
});

describe("baselineFrom", () => {
  it("lists what the run saw, sorted, and keeps entries of cases the run did not complete", () => {
    const previous = baselineOf([
      { id: EVENT, targets: ["workerd"] }, // not run this time: kept
      { id: READ, targets: ["emulator-local"] }, // completed without it: dropped
    ]);
    const results = [
      entry("isolation/cross-tenant-read", "emulator-production", "finding", [READ]),
      entry("isolation/cross-tenant-read", "emulator-local", "pass"),
    ];
    const file = baselineFrom(results, previous);
    expect(file.version).toBe(1);
    expect(file.findings.map((f) => [f.id, f.targets])).toEqual([
      [EVENT, ["workerd"]],
      [READ, ["emulator-production"]],
    ]);
  });
});

describe("readBaseline", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dwc-baseline-read-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    [
      "a missing file",
      undefined,
      /no such baseline file\. Write one from the current findings with: dwc run --write-baseline/,
    ],
    ["not JSON", "{", /not JSON/],
    ["a wrong version", `{"version":9,"findings":[]}`, /version is 9, this harness reads version 1/],
    ["an entry without targets", `{"version":1,"findings":[{"id":"a/b:c"}]}`, /findings\[0\] must be \{ "id"/],
  ])("refuses %s, naming the file and the fix", async (_what, content, message) => {
    const file = join(dir, `${Math.random()}.json`);
    if (content !== undefined) await writeFile(file, content);
    expect(() => readBaseline(file, "shown.json")).toThrow(message);
    expect(() => readBaseline(file, "shown.json")).toThrow(/^shown\.json: /);
  });
});

describe("withOptionalValues", () => {
  it("gives a bare --baseline / --write-baseline the empty value that means the default file", () => {
    expect(withOptionalValues(["--baseline"])).toEqual(["--baseline", ""]);
    expect(withOptionalValues(["--write-baseline", "--target", "x"])).toEqual([
      "--write-baseline",
      "",
      "--target",
      "x",
    ]);
    expect(withOptionalValues(["--baseline", "mine.json"])).toEqual(["--baseline", "mine.json"]);
  });
});

describe("dwc run with a baseline (end to end)", () => {
  const cli = (args: string[]) =>
    runCli("cli/main.ts", ["run", "--target", "emulator-production", "--case", "isolation/cross-tenant-read", ...args]);
  let dir: string;
  let file: string;
  let written: Awaited<ReturnType<typeof cli>>;
  let green: Awaited<ReturnType<typeof cli>>;
  let red: Awaited<ReturnType<typeof cli>>;
  let gone: Awaited<ReturnType<typeof cli>>;
  let notJudged: Awaited<ReturnType<typeof cli>>;
  let fromConfig: Awaited<ReturnType<typeof cli>>;
  let missing: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dwc-baseline-e2e-"));
    file = join(dir, "dwc.baseline.json");
    written = await cli(["--no-reports", "--write-baseline", file]);
    const withGone = join(dir, "with-gone.json");
    const content = JSON.parse(await readFile(file, "utf8")) as BaselineFile;
    content.findings.push({
      id: "isolation/outbound-blocked:fixed-meanwhile",
      targets: ["emulator-production"],
      severity: "high",
      title: "fixed meanwhile",
    });
    await writeFile(withGone, JSON.stringify(content));
    const config = join(dir, "dwc.config.json");
    await writeFile(config, JSON.stringify({ baseline: "./dwc.baseline.json" }));
    [green, red, gone, notJudged, fromConfig, missing] = await Promise.all([
      cli(["--no-reports", "--baseline", file]),
      cli(["--case", "isolation/cross-tenant-event", "--reports", join(dir, "red"), "--baseline", file]),
      cli(["--case", "isolation/outbound-blocked", "--no-reports", "--baseline", withGone]),
      cli(["--no-reports", "--baseline", withGone]),
      cli(["--no-reports", "--config", config]),
      cli(["--no-reports", "--baseline", join(dir, "nope.json")]),
    ]);
  }, 120_000);

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("--write-baseline writes the run's findings by id and target, and exits 0", async () => {
    expect(written.code).toBe(0);
    expect(written.stdout).toContain(`Baseline written: ${file} (1 finding, 1 finding × target pair)`);
    const content = JSON.parse(await readFile(file, "utf8")) as BaselineFile;
    expect(content.findings.map((f) => [f.id, f.targets])).toEqual([[READ, ["emulator-production"]]]);
  });

  it("green: every finding acknowledged", () => {
    expect(green.code).toBe(0);
    expect(green.stdout).toContain(`Baseline ${file}: 1 acknowledged, 0 new, 0 gone`);
    expect(green.stdout).toContain("(in the baseline) get() is not tenant-scoped");
  });

  it("red: a new finding fails the run, named with its id, in the output and in every report", async () => {
    expect(red.code).toBe(1);
    expect(red.stdout).toContain(`Baseline ${file}: 1 acknowledged, 1 new, 0 gone`);
    expect(red.stdout).toContain(`  NEW [high] ${EVENT} on emulator-production: sendEvent() across tenants`);
    expect(red.stdout).toContain(`or acknowledge it: npm start -- --write-baseline ${file}`);
    const results = JSON.parse(await readFile(join(dir, "red", "results.json"), "utf8")) as ResultsJson;
    expect(results.verdict).toBe("fail");
    expect(results.baseline?.new.map((n) => n.id)).toEqual([EVENT]);
    expect(results.findings.map((f) => [f.id, f.baseline])).toEqual([
      [READ, "acknowledged"],
      [EVENT, "new"],
    ]);
    const junit = parseXml(await readFile(join(dir, "red", "junit.xml"), "utf8"));
    expect(junit.attributes.failures).toBe("1");
    const html = await readFile(join(dir, "red", "index.html"), "utf8");
    expect(html).toContain("NEW: not in the baseline");
    expect(html).toContain("✗ FAIL");
  });

  it("red: an acknowledged finding whose case now completes without it fails the run (the ratchet)", () => {
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain(
      "  GONE isolation/outbound-blocked:fixed-meanwhile on emulator-production: acknowledged in the baseline but no longer found",
    );
    expect(gone.stdout).toMatch(/remove it from the baseline: npm start -- --write-baseline \S+with-gone\.json/);
  });

  it("a listed finding of a case this run did not run is not judged", () => {
    expect(notJudged.code).toBe(0);
    expect(notJudged.stdout).toMatch(/Baseline \S+with-gone\.json: 1 acknowledged, 0 new, 0 gone/);
  });

  it("the config's baseline is used without the flag", () => {
    expect(fromConfig.code).toBe(0);
    expect(fromConfig.stdout).toContain("1 acknowledged, 0 new, 0 gone");
  });

  it("a missing baseline file is a usage error (exit 2) naming how to write one, before any case runs", () => {
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "nope.json: no such baseline file. Write one from the current findings with: npm start -- --write-baseline",
    );
    expect(missing.stdout).not.toContain("cases");
  });
});
