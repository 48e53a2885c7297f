/**
 * The user's wrangler file → the subject's worker part (cli/config/read-wrangler.ts): JSONC, JSON and TOML read with
 * kept parsers; a syntax error names file, line and column; a binding type the harness cannot provide, or a field of
 * the wrong shape, names the field and the fix.
 */
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../cli/config/config-error.ts";
import { readWrangler } from "../../../cli/config/read-wrangler.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dwc-wrangler-"));
  await mkdir(join(dir, "src"));
  await writeFile(join(dir, "src/index.ts"), "export default {};\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function problemsOf(path: string): string {
  try {
    readWrangler(path);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

const FULL_JSONC = `{
  // comments and trailing commas, as wrangler.jsonc allows
  "main": "src/index.ts",
  "compatibility_date": "2026-02-01",
  "compatibility_flags": ["nodejs_compat"],
  "workflows": [{ "name": "wf", "binding": "RUNS", "class_name": "Dyn" }],
  "worker_loaders": [{ "binding": "LOADER" }],
  "kv_namespaces": [{ "binding": "CODE", "id": "abc" }],
  "r2_buckets": [{ "binding": "BLOBS", "bucket_name": "blobs" }],
  "durable_objects": { "bindings": [{ "name": "LOG", "class_name": "LogSession" }] },
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["LogSession"] }],
  "vars": { "PLATFORM": "x" },
  "services": [{ "binding": "TENANTS", "service": "tenants" }],
}`;

describe("readWrangler", () => {
  it("reads every field the harness uses from wrangler.jsonc, paths resolved from the file's folder", async () => {
    const worker = readWrangler(await file("wrangler.jsonc", FULL_JSONC));
    expect(worker).toEqual({
      main: join(dir, "src/index.ts"),
      wranglerFile: join(dir, "wrangler.jsonc"),
      compatibilityDate: "2026-02-01",
      compatibilityFlags: ["nodejs_compat"],
      // The workflow gets the worker's flags, as wrangler dev passes them.
      workflows: [{ binding: "RUNS", name: "wf", className: "Dyn", compatibilityFlags: ["nodejs_compat"] }],
      workerLoaders: ["LOADER"],
      kvNamespaces: [{ binding: "CODE", id: "abc" }],
      r2Buckets: [{ binding: "BLOBS", bucketName: "blobs" }],
      durableObjects: [{ binding: "LOG", className: "LogSession", sqlite: true }],
      vars: { PLATFORM: "x" },
      services: [{ binding: "TENANTS", service: "tenants" }],
    });
  });

  it("reads wrangler.toml to the same description", async () => {
    const toml = await file(
      "wrangler.toml",
      `main = "src/index.ts"
compatibility_date = "2026-02-01"
compatibility_flags = ["nodejs_compat"]

[[workflows]]
name = "wf"
binding = "RUNS"
class_name = "Dyn"

[[worker_loaders]]
binding = "LOADER"

[[kv_namespaces]]
binding = "CODE"
id = "abc"

[[r2_buckets]]
binding = "BLOBS"
bucket_name = "blobs"

[[durable_objects.bindings]]
name = "LOG"
class_name = "LogSession"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["LogSession"]

[vars]
PLATFORM = "x"

[[services]]
binding = "TENANTS"
service = "tenants"
`,
    );
    const fromJsonc = readWrangler(await file("wrangler.jsonc", FULL_JSONC));
    expect({ ...readWrangler(toml), wranglerFile: "" }).toEqual({ ...fromJsonc, wranglerFile: "" });
  });

  it("a JSONC syntax error names the file, the line and the column", async () => {
    const path = await file("broken.jsonc", '{\n  "main": "src/index.ts",\n  "compatibility_date": oops\n}\n');
    expect(problemsOf(path)).toMatch(
      /broken\.jsonc: 3:25: not valid JSONC: InvalidSymbol \(at: "compatibility_date": oops\)/,
    );
  });

  it("a TOML syntax error names the file, the line and the column", async () => {
    const path = await file("broken.toml", 'main = "src/index.ts"\ncompatibility_date = \n[x');
    expect(problemsOf(path)).toMatch(/broken\.toml: 2:\d+: not valid TOML: /);
  });

  it("a binding type no local target provides is refused by its field, with the fix", async () => {
    const path = await file(
      "d1.jsonc",
      '{ "main": "src/index.ts", "compatibility_date": "2026-01-01", "d1_databases": [{ "binding": "DB" }] }',
    );
    const message = problemsOf(path);
    expect(message).toContain("d1_databases: the harness provides no D1 database binding");
    expect(message).toContain("remove it from the wrangler file the harness reads");
  });

  it("lists every wrong field, one line each: a missing main, a bad date, a workflow without class_name", async () => {
    const path = await file(
      "fields.jsonc",
      '{ "compatibility_date": "Jan 1", "workflows": [{ "name": "wf", "binding": "RUNS" }], "vars": [] }',
    );
    const lines = problemsOf(path).split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/fields\.jsonc: main: required, the dispatcher's entry module/),
      expect.stringMatching(/fields\.jsonc: compatibility_date: must be "YYYY-MM-DD", got "Jan 1"/),
      expect.stringMatching(/fields\.jsonc: workflows\[0\]\.class_name: required/),
      expect.stringMatching(/fields\.jsonc: vars: must be an object/),
    ]);
  });

  it("wranglerEnv: the env section over the top level as wrangler merges it — inherited keys kept, bindings not", async () => {
    const path = await file(
      "env.jsonc",
      `{
        "main": "src/index.ts",
        "compatibility_date": "2026-01-01",
        "compatibility_flags": ["nodejs_compat"],
        "workflows": [{ "name": "wf", "binding": "WORKFLOWS", "class_name": "Flow" }],
        "kv_namespaces": [{ "binding": "CODE", "id": "prod" }],
        "vars": { "STAGE": "production" },
        "env": {
          "staging": {
            "compatibility_date": "2026-02-01",
            "workflows": [{ "name": "wf-staging", "binding": "WORKFLOWS", "class_name": "Flow" }],
            "vars": { "STAGE": "staging" }
          }
        }
      }`,
    );
    const staging = readWrangler(path, "staging");
    expect(staging).toMatchObject({
      compatibilityDate: "2026-02-01",
      compatibilityFlags: ["nodejs_compat"],
      workflows: [{ name: "wf-staging", binding: "WORKFLOWS" }],
      kvNamespaces: [],
      vars: { STAGE: "staging" },
    });
    expect(readWrangler(path).kvNamespaces).toEqual([{ binding: "CODE", id: "prod" }]);
    expect(() => readWrangler(path, "prod")).toThrow(
      /env\.prod: no such environment \(dwc\.config\.json "wranglerEnv": "prod"\); the file declares "staging"/,
    );
  });

  it("Durable Object classes of the migrations without a binding are kept (for ctx.exports), renames and deletes applied", async () => {
    const path = await file(
      "migrations.jsonc",
      `{
        "main": "src/index.ts",
        "compatibility_date": "2026-01-01",
        "durable_objects": { "bindings": [{ "name": "COUNTER", "class_name": "Counter" }] },
        "migrations": [
          { "tag": "v1", "new_sqlite_classes": ["Counter", "Log"], "new_classes": ["Old"] },
          { "tag": "v2", "renamed_classes": [{ "from": "Log", "to": "RunLog" }], "deleted_classes": ["Old"] }
        ]
      }`,
    );
    const description = readWrangler(path);
    expect(description.durableObjects).toEqual([{ binding: "COUNTER", className: "Counter", sqlite: true }]);
    expect(description.unboundDurableObjects).toEqual([{ className: "RunLog", sqlite: true }]);
  });

  it("a main module that does not exist is named", async () => {
    const path = await file("nomain.jsonc", '{ "main": "src/nope.ts", "compatibility_date": "2026-01-01" }');
    expect(problemsOf(path)).toContain("nomain.jsonc: main: file not found: src/nope.ts");
  });
});
