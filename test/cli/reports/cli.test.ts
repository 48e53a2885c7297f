/** The CLI writes the reports after a run (--reports <dir>), prints their paths, and writes none with --no-reports. */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../support/run-cli.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResultsJson } from "../../../cli/reports/results.ts";
import { parseXml } from "./xml-check.ts";

const cli = (args: string[]) => runCli("cli/main.ts", ["run", ...args]);

describe("the CLI's reports", () => {
  let dir: string;
  let withReports: Awaited<ReturnType<typeof cli>>;
  let without: Awaited<ReturnType<typeof cli>>;
  const one = [
    "--target",
    "emulator-production",
    "--case",
    "routing/own-tenant-every-step",
    "--case",
    "isolation/cross-tenant-read",
  ];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dwc-cli-reports-"));
    [withReports, without] = await Promise.all([
      cli([...one, "--reports", join(dir, "with")]),
      cli([...one, "--reports", join(dir, "without"), "--no-reports"]),
    ]);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("--reports <dir> writes the three reports and prints their paths last", async () => {
    expect(withReports.stderr).toBe("");
    expect(withReports.code).toBe(0);
    const html = join(dir, "with", "index.html");
    const json = join(dir, "with", "results.json");
    const junit = join(dir, "with", "junit.xml");
    expect(withReports.stdout.trimEnd().split("\n").at(-1)).toBe(`Reports: ${html}, ${json}, ${junit}`);
    const results = JSON.parse(await readFile(json, "utf8")) as ResultsJson;
    expect(results.subject.dispatcher).toBe("fixtures/dispatcher/index.ts");
    expect(results.subject.library).toMatch(/^@cloudflare\/dynamic-workflows@\d/);
    expect(results.targets.map((t) => t.name)).toEqual(["emulator-production"]);
    expect(results.cases.map((c) => c.id)).toEqual(["routing/own-tenant-every-step", "isolation/cross-tenant-read"]);
    expect(results.results.map((r) => r.status)).toEqual(["pass", "finding"]);
    expect(results.results[1].replay).toBe(
      "npm start -- --target emulator-production --case isolation/cross-tenant-read",
    );
    expect(results.findings[0].severity).toBe("high");
    expect(results.durationMs).toBeGreaterThan(0);
    expect(parseXml(await readFile(junit, "utf8")).attributes.tests).toBe("2");
    expect(await readFile(html, "utf8")).toContain("isolation/cross-tenant-read");
  });

  it("--no-reports writes nothing and prints no paths", async () => {
    expect(without.code).toBe(0);
    expect(without.stdout).not.toContain("Reports:");
    expect(await readdir(dir)).toEqual(["with"]);
  });
});
