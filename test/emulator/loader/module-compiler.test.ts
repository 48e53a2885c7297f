import { types } from "node:util";
import vm from "node:vm";
import { describe, expect, it, vi } from "vitest";
import { EmulatorUnsupportedError } from "../../../emulator/lib/errors.ts";
import { compileWorker, instantiateWorker, type CompiledWorker } from "../../../emulator/loader/module-compiler.ts";
import { clearCompileCaches } from "../../../emulator/testing.ts";
import { normalizeWorkerCode } from "../../../emulator/loader/worker-code.ts";

/** Normalises and compiles a worker whose main module is `main.js` unless said otherwise. */
function compile(modules: Record<string, unknown>, mainModule = "main.js"): CompiledWorker {
  return compileWorker(normalizeWorkerCode({ compatibilityDate: "2025-06-01", mainModule, modules }));
}

/** Realm-native stand-ins for `cloudflare:workers`, as the realm layer provides them. */
function runtimeIn(context: vm.Context): Record<string, unknown> {
  return vm.runInContext(
    `(() => {
      class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }
      const ns = { WorkerEntrypoint };
      Object.defineProperty(ns, "__esModule", { value: true });
      return ns;
    })()`,
    context,
  );
}

function builtinsFor(context: vm.Context) {
  const workers = runtimeIn(context);
  return vi.fn((specifier: string) => (specifier === "cloudflare:workers" ? workers : undefined));
}

function instantiate(compiled: CompiledWorker, context = vm.createContext()) {
  return { context, exports: instantiateWorker(compiled, context, builtinsFor(context)) };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

const ADD_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02,
  0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20,
  0x01, 0x6a, 0x0b,
]);

const COUNTER_WORKER = {
  "main.js": `
    import { WorkerEntrypoint } from "cloudflare:workers";
    import { bump, count } from "./lib/counter.js";
    export { bump, count };
    export const readGlobal = () => globalThis.touched;
    export const touchGlobal = (value) => { globalThis.touched = value; };
    export default class Main extends WorkerEntrypoint {}
  `,
  "lib/counter.js": `let n = 0; export function bump() { return ++n; } export function count() { return n; }`,
};

describe("instantiateWorker: ES modules", () => {
  it("WL-03 multi-module ESM: relative imports, a default export class and named exports", () => {
    const compiled = compile({
      "main.js": `
        import { WorkerEntrypoint } from "cloudflare:workers";
        import greet, { PUNCTUATION } from "./lib/greet.js";
        import { shout } from "./lib/deep/shout";
        export const VERSION = "v1";
        export function hello(name) { return shout(greet(name)) + PUNCTUATION; }
        export default class Greeter extends WorkerEntrypoint { hi(name) { return hello(name); } }
      `,
      "lib/greet.js": `export const PUNCTUATION = "!"; export default function greet(name) { return "hello " + name; }`,
      "lib/deep/shout.js": `import { PUNCTUATION } from "../greet.js"; export const shout = (s) => s.toUpperCase() + PUNCTUATION;`,
    });
    const context = vm.createContext();
    const builtins = builtinsFor(context);
    const exports = instantiateWorker(compiled, context, builtins);
    expect(exports.VERSION).toBe("v1");
    expect((exports.hello as (n: string) => string)("ada")).toBe("HELLO ADA!!");
    const Greeter = exports.default as new (ctx: unknown, env: unknown) => { hi(n: string): string; env: unknown };
    const instance = new Greeter({}, { KEY: 1 });
    expect(instance.hi("bob")).toBe("HELLO BOB!!");
    expect(instance.env).toEqual({ KEY: 1 });
    const { WorkerEntrypoint } = builtins.mock.results[0].value as { WorkerEntrypoint: abstract new () => object };
    expect(instance).toBeInstanceOf(WorkerEntrypoint);
    expect(Object.keys(exports).sort()).toEqual(["VERSION", "default", "hello"]);
  });

  it("WL-19 builtins() is asked for cloudflare:workers once per instantiation, not per importing module", () => {
    const compiled = compile({
      "main.js": `import { WorkerEntrypoint } from "cloudflare:workers"; import "./other.js"; export default class extends WorkerEntrypoint {}`,
      "other.js": `import { WorkerEntrypoint } from "cloudflare:workers"; export const E = WorkerEntrypoint;`,
    });
    const context = vm.createContext();
    const builtins = builtinsFor(context);
    instantiateWorker(compiled, context, builtins);
    expect(builtins).toHaveBeenCalledTimes(1);
    expect(builtins).toHaveBeenCalledWith("cloudflare:workers");
  });

  it("WL-19 an unknown built-in or a missing relative module is 'No such module', naming the importer", () => {
    const unknownBuiltin = compile({ "main.js": `import { x } from "cloudflare:nope"; export default x;` });
    const first = thrown(() => instantiate(unknownBuiltin));
    expect(types.isNativeError(first)).toBe(true);
    expect(first.message).toBe('No such module "cloudflare:nope".\n  imported from "main.js"');
    const missing = compile({
      "main.js": `import "./lib/a.js"; export default {};`,
      "lib/a.js": `import { y } from "./missing.js"; export const a = y;`,
    });
    expect(thrown(() => instantiate(missing)).message).toBe(
      'No such module "lib/missing.js".\n  imported from "lib/a.js"',
    );
  });

  it("WL-03 module state is per context: a counter bumped in one isolate is untouched in another", () => {
    const compiled = compile(COUNTER_WORKER);
    const one = instantiate(compiled).exports as { bump(): number; count(): number };
    const two = instantiate(compiled).exports as { bump(): number; count(): number };
    one.bump();
    one.bump();
    expect(one.count()).toBe(2);
    expect(two.count()).toBe(0);
    expect(two.bump()).toBe(1);
    expect(one.count()).toBe(2);
  });

  it("WL-03 globals are per context: a global set by one isolate is invisible to another and to the host", () => {
    const compiled = compile(COUNTER_WORKER);
    const one = instantiate(compiled);
    const two = instantiate(compiled);
    (one.exports.touchGlobal as (v: string) => void)("tenant-a");
    expect((one.exports.readGlobal as () => unknown)()).toBe("tenant-a");
    expect((two.exports.readGlobal as () => unknown)()).toBeUndefined();
    expect(vm.runInContext("globalThis.touched", one.context)).toBe("tenant-a");
    expect((globalThis as Record<string, unknown>).touched).toBeUndefined();
  });

  it("WL-03 module objects belong to the worker's realm", () => {
    const compiled = compile({
      "main.js": `export const obj = {}; export const isObject = (v) => v instanceof Object;`,
    });
    const { context, exports } = instantiate(compiled);
    expect(vm.runInContext("(v) => v instanceof Object", context)(exports)).toBe(true);
    expect((exports.isObject as (v: unknown) => boolean)(exports.obj)).toBe(true);
  });

  it("WL-07 import cycles resolve like CommonJS: both sides see each other's functions after loading", () => {
    const compiled = compile({
      "main.js": `import { isEven } from "./even.js"; export const check = (n) => isEven(n);`,
      "even.js": `import { isOdd } from "./odd.js"; export function isEven(n) { return n === 0 ? true : isOdd(n - 1); }`,
      "odd.js": `import { isEven } from "./even.js"; export function isOdd(n) { return n === 0 ? false : isEven(n - 1); }`,
    });
    const check = instantiate(compiled).exports.check as (n: number) => boolean;
    expect(check(10)).toBe(true);
    expect(check(7)).toBe(false);
  });

  it("WL-09 cjs modules run as CommonJS and import from ESM as default and named", () => {
    const compiled = compile({
      "main.js": `import legacy, { twice } from "./legacy.js"; export const result = legacy.twice(2) + twice(3);`,
      "legacy.js": { cjs: `exports.twice = (n) => n * 2; this.viaThis = true;` },
    });
    expect(instantiate(compiled).exports.result).toBe(10);
  });

  it("WL-07 ES modules stay strict code after translation", () => {
    const compiled = compile({ "main.js": `export const leak = () => { undeclared = 1; };` });
    const leak = instantiate(compiled).exports.leak as () => void;
    const error = thrown(leak);
    expect(error.name).toBe("ReferenceError");
  });

  it("WL-07 a dynamic import() of a sibling module resolves to its namespace", async () => {
    const compiled = compile({
      "main.js": `export const load = () => import("./late.js");`,
      "late.js": `export const value = 42;`,
    });
    const namespace = (await (instantiate(compiled).exports.load as () => Promise<{ value: number }>)()) as {
      value: number;
    };
    expect(namespace.value).toBe(42);
  });
});

describe("instantiateWorker: value modules", () => {
  it("WL-09 text, data, json and wasm modules import as their default export", async () => {
    const compiled = compile({
      "main.js": `
        import readme from "./readme.txt";
        import blob from "./blob.bin";
        import config from "./config.json";
        import add from "./add.wasm";
        import * as textNamespace from "./readme.txt";
        export { readme, blob, config, textNamespace };
        export const blobIsRealmArrayBuffer = blob instanceof ArrayBuffer;
        export const configIsRealmObject = config instanceof Object;
        export const sum = async (a, b) => (await WebAssembly.instantiate(add)).exports.add(a, b);
      `,
      "readme.txt": { text: "hello text" },
      "blob.bin": { data: new Uint8Array([1, 2, 3]) },
      "config.json": { json: { retries: 3, tags: ["a"] } },
      "add.wasm": { wasm: ADD_WASM },
    });
    const { exports } = instantiate(compiled);
    expect(exports.readme).toBe("hello text");
    expect(types.isArrayBuffer(exports.blob)).toBe(true);
    expect([...new Uint8Array(exports.blob as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(exports.blobIsRealmArrayBuffer).toBe(true);
    expect(exports.config).toEqual({ retries: 3, tags: ["a"] });
    expect(exports.configIsRealmObject).toBe(true);
    expect((exports.textNamespace as { default: string }).default).toBe("hello text");
    expect(await (exports.sum as (a: number, b: number) => Promise<number>)(5, 7)).toBe(12);
  });

  it("WL-03 data and json values are copied per isolate: a change in one is not seen by another", () => {
    const compiled = compile({
      "main.js": `
        import blob from "./blob.bin"; import config from "./config.json";
        export const mutate = () => { new Uint8Array(blob)[0] = 99; config.count = 99; };
        export const read = () => [new Uint8Array(blob)[0], config.count];
      `,
      "blob.bin": { data: new Uint8Array([1]) },
      "config.json": { json: { count: 1 } },
    });
    const one = instantiate(compiled).exports;
    const two = instantiate(compiled).exports;
    (one.mutate as () => void)();
    expect((one.read as () => number[])()).toEqual([99, 99]);
    expect((two.read as () => number[])()).toEqual([1, 1]);
  });
});

describe("compileWorker: errors", () => {
  it("WL-19 a syntax error names the module, with esbuild's message, line and column", () => {
    const error = thrown(() =>
      compile({ "main.js": `import "./lib/bad.js";`, "lib/bad.js": `export const a = 1;\nexport const b = ;\n` }),
    );
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.message).toBe('Unexpected ";" at lib/bad.js:2:18');
  });

  it("WL-19 a syntax error in a cjs module names the module and line", () => {
    const error = thrown(() =>
      compile({ "main.js": `import "./old.js";`, "old.js": { cjs: "exports.a = 1;\nexports.b = ;\n" } }),
    );
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.message).toBe("Unexpected token ';' at old.js:2:13");
  });

  it("WL-19 top-level await is refused with an error saying the emulator does not support it", () => {
    const error = thrown(() => compile({ "main.js": `export const config = await Promise.resolve(1);` }));
    expect(error).toBeInstanceOf(EmulatorUnsupportedError);
    expect(error.message).toMatch(/^Top-level await is not supported by this emulator \(at main\.js:1:23\)/);
  });

  it("WL-19 a module that throws at top level propagates its own error and message", () => {
    const compiled = compile({
      "main.js": `
        import { WorkerEntrypoint } from "cloudflare:workers";
        throw new TypeError("intentional startup error");
        export default class extends WorkerEntrypoint {}
      `,
    });
    const context = vm.createContext();
    const error = thrown(() => instantiateWorker(compiled, context, builtinsFor(context)));
    expect(error.message).toBe("intentional startup error");
    expect(error.name).toBe("TypeError");
    expect(error).toBeInstanceOf(vm.runInContext("TypeError", context)); // unchanged: the worker realm's own error
  });
});

describe("compileWorker: caching", () => {
  it("WL-04 the same codeHash returns the same CompiledWorker object", () => {
    const code = {
      compatibilityDate: "2025-06-01",
      mainModule: "main.js",
      modules: { "main.js": "export const a = 1;" },
    };
    const first = compileWorker(normalizeWorkerCode(code));
    const second = compileWorker(normalizeWorkerCode({ ...code, env: { other: true } }));
    expect(second).toBe(first);
  });

  it("WL-04 a module's vm.Script is reused across workers with the same module source", () => {
    const shared = `export const shared = "same source";`;
    const a = compile({
      "main.js": `export { shared } from "./shared.js"; export const v = "a";`,
      "shared.js": shared,
    });
    const b = compile({
      "main.js": `export { shared } from "./shared.js"; export const v = "b";`,
      "shared.js": shared,
    });
    expect(b).not.toBe(a);
    const scriptOf = (worker: CompiledWorker, name: string) => {
      const module = worker.modules.get(name);
      if (module?.kind !== "script") throw new Error(`${name} is not a script module`);
      return module.script;
    };
    expect(scriptOf(b, "shared.js")).toBeInstanceOf(vm.Script);
    expect(scriptOf(b, "shared.js")).toBe(scriptOf(a, "shared.js"));
    expect(scriptOf(b, "main.js")).not.toBe(scriptOf(a, "main.js"));
  });

  it("WL-03 one compiled worker serves many fresh contexts without compiling again", () => {
    clearCompileCaches();
    const RealScript = vm.Script;
    // biome-ignore lint/complexity/useArrowFunction: the mock is called with `new`, which an arrow function refuses.
    const constructed = vi.spyOn(vm, "Script").mockImplementation(function (
      ...args: ConstructorParameters<typeof vm.Script>
    ) {
      return new RealScript(...args);
    } as unknown as typeof vm.Script);
    try {
      const compiled = compile(COUNTER_WORKER);
      expect(constructed).toHaveBeenCalledTimes(2); // main.js and lib/counter.js
      for (let i = 0; i < 50; i++) {
        const { exports } = instantiate(compiled);
        expect((exports.bump as () => number)()).toBe(1); // fresh module state every time
      }
      expect(compile(COUNTER_WORKER)).toBe(compiled);
      expect(constructed).toHaveBeenCalledTimes(2);
    } finally {
      constructed.mockRestore();
    }
  });
});
