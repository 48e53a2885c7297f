/**
 * The one command line (`dwc`; package.json "bin" → bin/dwc.js → the compiled cli/main.ts): commands, help, usage
 * errors (exit 2 with the command's help), and `report` re-rendering and merging results.json files. Run from the
 * sources here; the compiled bin is exercised by test/install (pack, install into a fresh project, `npx dwc`).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildResults, type ResultsJson } from "../../cli/reports/results.ts";
import { RUN } from "./reports/fixture.ts";
import { runCli, ROOT } from "../support/run-cli.ts";
import { parseXml } from "./reports/xml-check.ts";

const dwc = (args: string[]) => runCli("cli/main.ts", args);
const LIBRARY = "@cloudflare/dynamic-workflows@0.1.1";

describe("dwc", () => {
  it("is the package's bin", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.bin.dwc).toBe("bin/dwc.js");
    // npm start / fuzz / compare / report are the same CLI, so replay commands printed as "npm …" keep working.
    for (const script of ["start", "fuzz", "compare", "report"])
      expect(pkg.scripts[script]).toMatch(/^tsx cli\/main\.ts\b/);
  });

  it("--help lists every command", async () => {
    const result = await dwc(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["run", "fuzz", "compare", "report"])
      expect(result.stdout).toMatch(new RegExp(`^  ${command} +\\S`, "m"));
  });

  it("<command> --help and help <command> show that command's options", async () => {
    const [a, b] = await Promise.all([dwc(["fuzz", "--help"]), dwc(["help", "report"])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^Usage: dwc fuzz/);
    expect(a.stdout).toContain("--seed");
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/^Usage: dwc report/);
  });

  it("an unknown command exits 2 and names it", async () => {
    const result = await dwc(["fuz"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown command "fuz"\./);
  });

  it("an unknown option exits 2 with the command's help, not a stack trace", async () => {
    const result = await dwc(["compare", "--scenario", "5"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--scenario");
    expect(result.stderr).toContain("Usage: dwc compare");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("a bad number exits 2 and says which option", async () => {
    const result = await dwc(["fuzz", "--runs", "many"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^--runs must be a whole number, got "many"/);
  });
});

describe("dwc report", () => {
  let dir: string;
  const full = buildResults(RUN, LIBRARY);
  const part = (target: string): ResultsJson =>
    buildResults(
      {
        ...RUN,
        targets: RUN.targets.filter((t) => t.name === target),
        results: RUN.results.filter((r) => r.target === target),
      },
      LIBRARY,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dwc-report-"));
    await mkdir(join(dir, "ci"));
    await writeFile(join(dir, "ci", "results.json"), JSON.stringify(full));
    for (const target of ["production", "local", "remote"])
      await writeFile(join(dir, `${target}.json`), JSON.stringify(part(target)));
    await writeFile(join(dir, "remote-again.json"), JSON.stringify(part("remote")));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("re-renders index.html and junit.xml next to the results.json it reads; exit 1 as the run failed", async () => {
    const result = await dwc(["report", "--from", join(dir, "ci", "results.json")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("3 targets, 7 cases, 21 results, 3 failed (verdict fail)");
    const html = await readFile(join(dir, "ci", "index.html"), "utf8");
    expect(html).toContain("routing/crash-mid-step");
    const junit = parseXml(await readFile(join(dir, "ci", "junit.xml"), "utf8"));
    expect(junit.name).toBe("testsuites");
  });

  it("merges one results.json per target into one matrix", async () => {
    const out = join(dir, "merged");
    const result = await dwc([
      "report",
      ...["production", "local", "remote"].flatMap((t) => ["--from", join(dir, `${t}.json`)]),
      "--out",
      out,
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("3 runs merged: 3 targets, 7 cases, 21 results");
    const merged = JSON.parse(await readFile(join(out, "results.json"), "utf8")) as ResultsJson;
    expect(merged.summary).toEqual(full.summary);
    expect(merged.results).toEqual(full.results);
  });

  it("exit 0 when the results passed", async () => {
    const result = await dwc(["report", "--from", join(dir, "remote.json"), "--out", join(dir, "remote-only")]);
    expect(result.code).toBe(0);
  });

  it("refuses a cell given twice, naming both files (exit 2)", async () => {
    const result = await dwc([
      "report",
      "--from",
      join(dir, "remote.json"),
      "--from",
      join(dir, "remote-again.json"),
      "--out",
      join(dir, "x"),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/on remote is in both .*remote\.json and .*remote-again\.json/);
  });

  it("a missing results.json exits 2 and says how to make one", async () => {
    const result = await dwc(["report", "--from", join(dir, "none", "results.json")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no such file (run `npm start` first");
  });
});
