/**
 * `dwc init` in a user's project: what it finds (wrangler's main, the reference contract or not, miniflare), what it
 * writes (a config the harness loads, an adapter stub only when needed, the CI workflow), that a second run changes
 * nothing, that an edited file is kept without --force, and the message in a folder that is not a project.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../cli/config/load-config.ts";
import { ADAPTER_FILE, CONFIG_FILE, WORKFLOW_FILE } from "../../cli/init/templates.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

let base = "";
let n = 0;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "dwc-init-"));
});
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

/** A project folder holding `files` (name → content). */
async function project(files: Record<string, string>): Promise<string> {
  const dir = join(base, `p${n++}`);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

const init = (dir: string, ...args: string[]) => runCli("cli/main.ts", ["init", "--dir", dir, ...args]);
const referenceDispatcher = () => readFile(join(ROOT, "fixtures/dispatcher/index.ts"), "utf8");

describe("dwc init in a project with a wrangler config", () => {
  it("writes a commented config the harness loads, pointing at wrangler's main; no adapter for the reference contract", async () => {
    const dir = await project({
      "package.json": `{ "name": "app", "devDependencies": { "miniflare": "^4.0.0" } }`,
      "wrangler.jsonc": `// the dispatcher\n{ "name": "app", "main": "src/dispatch.ts", }\n`,
      "src/dispatch.ts": await referenceDispatcher(),
    });
    const result = await init(dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`dispatcher ./src/dispatch.ts (from "main" in wrangler.jsonc)`);
    expect(result.stdout).toContain(`wrote     ${CONFIG_FILE}`);
    expect(result.stdout).toContain(`wrote     ${WORKFLOW_FILE}`);
    expect(existsSync(join(dir, ADAPTER_FILE))).toBe(false);

    const text = await readFile(join(dir, CONFIG_FILE), "utf8");
    expect(text).toMatch(/^\/\/ /m);
    const config = loadConfig(join(dir, CONFIG_FILE));
    expect(config.dispatcher).toBe(join(dir, "src/dispatch.ts"));
    // miniflare is declared, so the workerd target is in the config and in the CI matrix.
    expect(config.targets).toEqual(["emulator-production", "emulator-local", "workerd"]);
    const workflow = await readFile(join(dir, WORKFLOW_FILE), "utf8");
    expect(workflow).toContain("target: [emulator-production, emulator-local, workerd]");
  });

  it("a dispatcher that does not speak the reference contract (wrangler.toml) gets the adapter stub", async () => {
    const dir = await project({
      "wrangler.toml": `name = "app"\nmain = "./worker/index.js"\n`,
      "worker/index.js": `export default { fetch: (request, env) => env.CODE.get(new URL(request.url).pathname) };\n`,
    });
    const result = await init(dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`wrote     ${ADAPTER_FILE}`);
    const adapter = await readFile(join(dir, ADAPTER_FILE), "utf8");
    expect(adapter.split("\n").filter((line) => line !== "" && !line.startsWith("//"))).toEqual([]);
    const config = loadConfig(join(dir, CONFIG_FILE));
    expect(config.dispatcher).toBe(join(dir, "worker/index.js"));
    expect(config.targets).toEqual(["emulator-production", "emulator-local"]);
  });

  it("the workflow: a conformance job per target, fuzz shards on one seed, artifacts merged by dwc report --from", async () => {
    const dir = await project({ "package.json": "{}" });
    expect((await init(dir)).code).toBe(0);
    const workflow = await readFile(join(dir, WORKFLOW_FILE), "utf8");
    expect(workflow).toContain("target: [emulator-production, emulator-local]\n");
    // GitHub Actions' own ${{ … }} expressions, expected verbatim in the file.
    expect(workflow).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
      "npx dwc run --target ${{ matrix.target }} --reports reports/conformance-${{ matrix.target }}",
    );
    expect(workflow).toContain("shard: [1, 2, 3, 4]");
    expect(workflow).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
      "npx dwc fuzz --runs 2000 --seed ${{ github.run_number }} --shard ${{ matrix.shard }}/4 --reports reports/fuzz-${{ matrix.shard }}",
    );
    expect(workflow).toContain("needs: [conformance, fuzz]");
    expect(workflow).toContain("npx dwc report --from artifacts --out reports/merged");
    expect(workflow.match(/actions\/upload-artifact@v4/g)).toHaveLength(3);
  });

  it("without a wrangler config the dispatcher is left for the user, commented out, and the config still loads", async () => {
    const dir = await project({ "package.json": "{}" });
    const result = await init(dir);
    expect(result.stdout).toContain(
      'no wrangler config (wrangler.jsonc, wrangler.json, wrangler.toml): set "dispatcher"',
    );
    expect(await readFile(join(dir, CONFIG_FILE), "utf8")).toContain(`// "dispatcher": "./src/index.ts",`);
    expect(loadConfig(join(dir, CONFIG_FILE)).targets).toEqual(["emulator-production", "emulator-local"]);
  });
});

describe("idempotent, never overwriting without --force", () => {
  it("a second run changes nothing; an edited file is kept; --force rewrites it", async () => {
    const dir = await project({ "package.json": "{}", "wrangler.json": `{ "main": "src/index.ts" }` });
    expect((await init(dir)).code).toBe(0);
    const first = await readFile(join(dir, CONFIG_FILE), "utf8");

    const again = await init(dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`unchanged ${CONFIG_FILE}`);
    expect(again.stdout).toContain(`unchanged ${WORKFLOW_FILE}`);

    const edited = first.replace('"runs": 1000', '"runs": 5');
    await writeFile(join(dir, CONFIG_FILE), edited);
    const kept = await init(dir);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`kept      ${CONFIG_FILE} (it differs from the template; --force overwrites it)`);
    expect(await readFile(join(dir, CONFIG_FILE), "utf8")).toBe(edited);

    const forced = await init(dir, "--force");
    expect(forced.stdout).toContain(`overwrote ${CONFIG_FILE}`);
    expect(await readFile(join(dir, CONFIG_FILE), "utf8")).toBe(first);
  });
});

describe("bad input", () => {
  it("a folder with neither package.json nor a wrangler config: what it looked for, exit 2, nothing written", async () => {
    const dir = await project({});
    const result = await init(dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `dwc init: ${dir} has no package.json and no wrangler config (looked for package.json, wrangler.jsonc, wrangler.json, wrangler.toml). Run it in your dispatcher's project folder (npm init -y first if it has none).`,
    );
    expect(existsSync(join(dir, CONFIG_FILE))).toBe(false);
  });

  it("a wrangler config that does not parse: its name, line and column", async () => {
    const dir = await project({ "wrangler.jsonc": `{\n  "main": "src/index.ts"\n  "name": "x"\n}\n` });
    const result = await init(dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("dwc init: wrangler.jsonc does not parse: line 3, column 3: comma expected");
  });
});
