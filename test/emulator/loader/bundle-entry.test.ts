import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bundleEntry } from "../../../emulator/loader/bundle-entry.ts";
import { compileWorker, instantiateWorker } from "../../../emulator/loader/module-compiler.ts";
import { computeCodeHash } from "../../../emulator/loader/code-hash.ts";

// Inside the repository's node_modules, so package resolution walks up to the installed
// @cloudflare/dynamic-workflows like a user's dispatcher would.
const CACHE_DIR = path.resolve(import.meta.dirname, "../../../node_modules/.cache");
let dir: string;

beforeAll(async () => {
  await mkdir(CACHE_DIR, { recursive: true });
  dir = await mkdtemp(path.join(CACHE_DIR, "bundle-entry-test-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeEntry(name: string, source: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, source);
  return file;
}

const DISPATCHER_TS = `
import { WorkerEntrypoint } from "cloudflare:workers";
import { createDynamicWorkflowEntrypoint, DynamicWorkflowBinding } from "@cloudflare/dynamic-workflows";

interface Env { LOADER: unknown }

export { DynamicWorkflowBinding };
export const DynamicWorkflow = createDynamicWorkflowEntrypoint(async ({ metadata }: { metadata: unknown }) => {
  throw new Error("not used in this test: " + String(metadata));
});

export default class Dispatcher extends WorkerEntrypoint<Env> {
  async fetch(): Promise<Response> {
    return new Response("dispatcher");
  }
}
`;

/** Realm-native stand-ins for `cloudflare:workers`, enough for the library's top level. */
const RUNTIME = `(() => {
  class RpcTarget {}
  class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
  class WorkflowEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
  const ns = { RpcTarget, WorkerEntrypoint, WorkflowEntrypoint, exports: {}, env: {} };
  Object.defineProperty(ns, "__esModule", { value: true });
  return ns;
})()`;

describe("bundleEntry", () => {
  it("WL-07 bundles a TypeScript dispatcher importing @cloudflare/dynamic-workflows into one cjs module", async () => {
    const entry = await writeEntry("dispatcher.ts", DISPATCHER_TS);
    const bundled = await bundleEntry(entry);
    expect(bundled.mainModule).toBe("dispatcher.js");
    expect(bundled.modules).toHaveLength(1);
    const [module] = bundled.modules;
    expect(module.name).toBe("dispatcher.js");
    expect(module.kind).toBe("cjs");
    const source = module.content as string;
    expect(source).toContain('require("cloudflare:workers")');
    expect(source).not.toMatch(/from\s+["']cloudflare:workers["']/);
    // The package itself is inlined, not left as an import.
    expect(source).not.toMatch(/require\("@cloudflare\/dynamic-workflows"\)/);
    expect(source).toContain("var MissingDispatcherMetadataError = class extends Error");
    expect(source).not.toContain("interface Env");
  });

  it("WL-07 the bundle loads in a fresh context with cloudflare:workers supplied per realm", async () => {
    const entry = await writeEntry("runnable.ts", DISPATCHER_TS);
    const bundled = await bundleEntry(entry);
    const compiled = compileWorker({ ...bundled, codeHash: computeCodeHash(bundled.mainModule, bundled.modules) });
    const context = vm.createContext();
    const workers = vm.runInContext(RUNTIME, context) as Record<string, abstract new (...args: never[]) => object>;
    const builtins = vi.fn((specifier: string) => (specifier === "cloudflare:workers" ? workers : undefined));
    const exports = instantiateWorker(compiled, context, builtins);
    expect(builtins).toHaveBeenCalledWith("cloudflare:workers");
    expect(typeof exports.DynamicWorkflowBinding).toBe("function");
    expect(Object.getPrototypeOf(exports.DynamicWorkflow)).toBe(workers.WorkflowEntrypoint);
    expect(Object.getPrototypeOf(exports.default)).toBe(workers.WorkerEntrypoint);
  });

  it("WL-19 a syntax error is reported with the entry's path and position", async () => {
    const entry = await writeEntry("broken.ts", "export const x: number = ;\n");
    const error = await bundleEntry(entry).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `Could not bundle the worker at ${entry}: Unexpected ";" (${path.relative(process.cwd(), entry)}:1:26)`,
    );
  });

  it("WL-07 a missing entry file names the path", async () => {
    const missing = path.join(dir, "nope.ts");
    const error = (await bundleEntry(missing).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/^Could not bundle the worker at .*nope\.ts: Could not resolve/);
  });
});
