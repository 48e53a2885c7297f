/**
 * The package as another project gets it: `npm pack` this repository, install the tarball into a fresh temporary
 * project with its own dispatcher (not the reference one) and wrangler config, then run `npx dwc init` and
 * `npx dwc …` there the way a user would, and import the emulator export with plain Node (no TypeScript loader
 * anywhere in that project). Offline where the npm cache allows (`--prefer-offline`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/run-cli.ts";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";
let project = "";

function sh(command: string, args: string[]): { code: number | null; out: string } {
  const result = spawnSync(command, args, {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, npm_config_yes: "true" },
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "dwc-fresh-project-"));
  const packed = JSON.parse(
    execFileSync(NPM, ["pack", "--json", "--pack-destination", project], { cwd: ROOT, encoding: "utf8" }),
  ) as { filename: string }[];
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "my-app", version: "1.0.0", private: true, type: "module" }),
  );
  await mkdir(join(project, "src"));
  // The project's own dispatcher: a copy of the reference one under another name, so the output must name it.
  await copyFile(join(ROOT, "fixtures/dispatcher/index.ts"), join(project, "src/my-dispatcher.ts"));
  await writeFile(
    join(project, "wrangler.jsonc"),
    `{ "name": "my-app", "main": "src/my-dispatcher.ts", "compatibility_date": "2026-01-01" }\n`,
  );
  const installed = sh(NPM, [
    "install",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "-D",
    join(project, packed[0].filename),
    "@cloudflare/dynamic-workflows@0.1.1",
  ]);
  expect(installed.code, installed.out).toBe(0);
});

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe("installed into a fresh project", () => {
  it("has no TypeScript loader: the bin runs compiled JavaScript", async () => {
    expect(existsSync(join(project, "node_modules/tsx"))).toBe(false);
    expect(await readdir(join(project, "node_modules/dynamic-workflows-conformance/dist/cli"))).toContain("main.js");
  });

  it("npx dwc --help prints npx commands, not this repository's npm scripts", () => {
    const help = sh(NPX, ["dwc", "--help"]);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toMatch(/^Usage: npx dwc <command>/);
    expect(help.out).not.toContain("npm start");
  });

  it("npx dwc init writes a config for the dispatcher in wrangler.jsonc and the CI workflow; again, changes nothing", async () => {
    const init = sh(NPX, ["dwc", "init"]);
    expect(init.code, init.out).toBe(0);
    expect(init.out).toContain(`dispatcher ./src/my-dispatcher.ts (from "main" in wrangler.jsonc)`);
    expect(init.out).toContain("wrote     dwc.config.json");
    expect(init.out).toContain("wrote     .github/workflows/dwc.yml");
    expect(init.out).toContain("Next: npx dwc run, then npx dwc fuzz --runs 50");
    // The project's dispatcher is a copy of the reference one: it speaks the contract, so no adapter stub.
    expect(existsSync(join(project, "dwc.adapter.mjs"))).toBe(false);
    const config = await readFile(join(project, "dwc.config.json"), "utf8");
    expect(config).toContain(`"dispatcher": "./src/my-dispatcher.ts",`);
    expect(config).toContain(`"targets": ["emulator-production", "emulator-local"],`);
    const workflow = await readFile(join(project, ".github/workflows/dwc.yml"), "utf8");
    expect(workflow).toContain("npx dwc report --from artifacts --out reports/merged");

    const again = sh(NPX, ["dwc", "init"]);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain("unchanged dwc.config.json");
    expect(await readFile(join(project, "dwc.config.json"), "utf8")).toBe(config);
  });

  it("npx dwc run tests the project's dispatcher on the emulator targets and names it", () => {
    const run = sh(NPX, ["dwc", "run", "--no-reports"]);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(
      "subject: src/my-dispatcher.ts (config: dwc.config.json; @cloudflare/dynamic-workflows@0.1.1)",
    );
    expect(run.out).toMatch(/emulator-production: \d+ passed/);
    expect(run.out).toMatch(/emulator-local: \d+ passed/);
  });

  it("the reports name the project's library version and dispatcher relative to it; a baseline written there keeps CI green", async () => {
    const written = sh(NPX, [
      "dwc",
      "run",
      "--suite",
      "isolation",
      "--target",
      "emulator-production",
      "--write-baseline",
    ]);
    expect(written.code, written.out).toBe(0);
    expect(written.out).toContain("Baseline written: dwc.baseline.json (");
    expect(written.out).toContain("npx dwc run --baseline dwc.baseline.json passes until");
    const html = await readFile(join(project, "reports/index.html"), "utf8");
    expect(html).toContain(
      `Subject: <span class="mono">@cloudflare/dynamic-workflows@0.1.1</span> with the dispatcher <span class="mono">src/my-dispatcher.ts</span>`,
    );
    const green = sh(NPX, [
      "dwc",
      "run",
      "--suite",
      "isolation",
      "--target",
      "emulator-production",
      "--baseline",
      "--no-reports",
    ]);
    expect(green.code, green.out).toBe(0);
    expect(green.out).toMatch(/Baseline dwc\.baseline\.json: \d+ acknowledged, 0 new, 0 gone/);
  });

  it("npx dwc fuzz --runs 50 runs 50 scenarios of the project's dispatcher", () => {
    const fuzz = sh(NPX, ["dwc", "fuzz", "--runs", "50", "--seed", "1"]);
    expect(fuzz.code, fuzz.out).toBe(0);
    expect(fuzz.out).toContain("src/my-dispatcher.ts");
    expect(fuzz.out).toContain("production: 50 scenarios, 0 violations, seed 1");
    expect(fuzz.out).toContain("Results: reports/fuzz-results.json");
  });

  it("the workerd target without miniflare installed: one line naming it and the install command, exit 2", () => {
    const run = sh(NPX, ["dwc", "run", "--target", "workerd", "--no-reports"]);
    expect(run.code).toBe(2);
    expect(run.out.trim()).toBe(
      'dwc: the package "miniflare" is not installed; install it with: npm install --save-dev miniflare',
    );
  });

  it("plain Node imports the emulator, introspection and contract exports", () => {
    const script =
      "const e = await import('dynamic-workflows-conformance/emulator'); const i = await import('dynamic-workflows-conformance/introspection'); const c = await import('dynamic-workflows-conformance/contract'); console.log(typeof e.Emulator, typeof i.introspectWorkflowInstance, typeof i.introspectWorkflow, typeof c.defineCase)";
    const imported = sh(process.execPath, ["--input-type=module", "-e", script]);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out.trim()).toBe("function function function function");
  });

  it("the harness API wraps the project's dispatcher as Worker code, and the tenants worker template points at the package", async () => {
    const imported = sh(process.execPath, [
      "--input-type=module",
      "-e",
      "const h = await import('dynamic-workflows-conformance/harness-api'); console.log(typeof h.withHarnessApi, h.HARNESS_API_VERSION)",
    ]);
    expect(imported.code, imported.out).toBe(0);
    expect(imported.out.trim()).toBe("function 1");
    // The entry docs/remote.md tells a user to write, bundled for a Worker (no Node built-in may be pulled in).
    await writeFile(
      join(project, "src/harness.ts"),
      `import { withHarnessApi } from "dynamic-workflows-conformance/harness-api";\nimport dispatcher from "./my-dispatcher.ts";\nexport * from "./my-dispatcher.ts";\nexport default withHarnessApi(dispatcher);\n`,
    );
    const script = [
      "const esbuild = await import('esbuild');",
      "const r = await esbuild.build({ entryPoints: ['src/harness.ts'], bundle: true, format: 'esm', platform: 'neutral', write: false, external: ['cloudflare:*'], logLevel: 'silent' });",
      "console.log(r.outputFiles[0].text.includes('__harness') ? 'bundled' : 'missing')",
    ].join(" ");
    const bundled = sh(process.execPath, ["--input-type=module", "-e", script]);
    expect(bundled.code, bundled.out).toBe(0);
    expect(bundled.out.trim()).toBe("bundled");
    // The template's main (relative to the template) is the packed probe tenants worker, next to the probe it serves.
    const pkg = join(project, "node_modules/dynamic-workflows-conformance");
    const template = await readFile(join(pkg, "templates/probe-tenants.wrangler.jsonc"), "utf8");
    expect(template).toContain(`"main": "../dist/harness-api/probe-tenants-worker.js"`);
    expect(existsSync(join(pkg, "dist/harness-api/probe-tenants-worker.js"))).toBe(true);
    expect(existsSync(join(pkg, "dist/fixtures/tenants/probe-tenant.js"))).toBe(true);
  });
});
