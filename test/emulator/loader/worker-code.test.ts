import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { EmulatorUnsupportedError } from "../../../emulator/lib/errors.ts";
import { computeCodeHash } from "../../../emulator/loader/code-hash.ts";
import { MAX_DYNAMIC_WORKER_CODE_SIZE } from "../../../emulator/loader/module-extraction.ts";
import { assertEnvSize, normalizeWorkerCode } from "../../../emulator/loader/worker-code.ts";

const TODAY = "2026-11-24";
const MAIN = "export default { fetch() { return new Response('ok'); } };";

/** A valid WorkerCode with `overrides` applied; `modules` replaces the default module map. */
function code(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { compatibilityDate: "2025-06-01", mainModule: "main.js", modules: { "main.js": MAIN }, ...overrides };
}

function normalize(value: unknown, via: "load" | "get" = "load") {
  return normalizeWorkerCode(value, { today: TODAY, via });
}

/** The error `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

/** A tiny wasm module exporting add(i32, i32) -> i32. */
const ADD_WASM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02,
  0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20,
  0x01, 0x6a, 0x0b,
]);

describe("normalizeWorkerCode: shape and defaults", () => {
  it("WL-07 a minimal WorkerCode gets the documented defaults", () => {
    const normalized = normalize(code());
    expect(normalized).toMatchObject({
      compatibilityDate: "2025-06-01",
      compatibilityFlags: [],
      mainModule: "main.js",
      modules: [{ name: "main.js", kind: "esm", content: MAIN }],
      env: {},
      globalOutbound: "inherit",
      tails: [],
      limits: null,
    });
    expect(normalized.codeHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("WL-07 unknown top-level keys are ignored, as JSG structs ignore them", () => {
    const normalized = normalize(code({ unknownKey: 1, compatibility_date: "nope" }));
    expect(normalized.compatibilityDate).toBe("2025-06-01");
    expect(Object.keys(normalized)).not.toContain("unknownKey");
  });

  it("WL-07 undefined or null code is a TypeError naming WorkerCode", () => {
    for (const value of [undefined, null]) {
      const error = thrown(() => normalize(value));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe("Cannot initialize WorkerCode with required members from an undefined or null value.");
    }
  });

  it("WL-05 a primitive passed to load() is a TypeError about parameter 1", () => {
    const error = thrown(() => normalize("main.js", "load"));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("Failed to execute 'load' on 'WorkerLoader': parameter 1 is not of type 'WorkerCode'.");
  });

  it("WL-02 a primitive resolved by getCode is a TypeError about the promise", () => {
    const error = thrown(() => normalize(42, "get"));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("Incorrect type for Promise: the Promise did not resolve to 'WorkerCode'.");
  });

  it("WL-07 a WorkerCode built in another realm (the dispatcher's context) is accepted", () => {
    const foreign = vm.runInNewContext(
      `({ compatibilityDate: "2025-06-01", mainModule: "main.js", compatibilityFlags: ["nodejs_compat"],
          modules: { "main.js": "export default {}", "blob.bin": { data: new Uint8Array([1, 2, 3]) } },
          env: { A: 1 } })`,
    );
    const normalized = normalize(foreign);
    expect(normalized.compatibilityFlags).toEqual(["nodejs_compat"]);
    expect(new Uint8Array(normalized.modules[1].content as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    expect(normalized.env).toBe(foreign.env);
  });
});

describe("normalizeWorkerCode: compatibility date and flags", () => {
  it("WL-07 a missing compatibilityDate is reported as the invalid date 'undefined'", () => {
    const { compatibilityDate: _omitted, ...rest } = code();
    const error = thrown(() => normalize(rest));
    expect(error.constructor).toBe(Error);
    expect(error.message).toBe("Invalid compatibility date: undefined");
  });

  it("WL-07 a compatibilityDate not shaped YYYY-MM-DD in 2000-2999 is invalid", () => {
    for (const date of ["2025-6-01", "1999-01-01", "2025-13-01", "2025-01-00", "2025/01/01", " 2025-01-01"]) {
      expect(thrown(() => normalize(code({ compatibilityDate: date }))).message).toBe(
        `Invalid compatibility date: ${date}`,
      );
    }
  });

  it("WL-19 a compatibilityDate after today is refused with production's text", () => {
    const error = thrown(() => normalize(code({ compatibilityDate: "2026-11-25" })));
    expect(error.message).toBe("Can't set compatibility date in the future: 2026-11-25");
    expect(normalize(code({ compatibilityDate: TODAY })).compatibilityDate).toBe(TODAY);
  });

  it("WL-07 compatibilityFlags must be an array; a repeated flag is an error", () => {
    const notArray = thrown(() => normalize(code({ compatibilityFlags: "nodejs_compat" })));
    expect(notArray).toBeInstanceOf(TypeError);
    expect(notArray.message).toBe(
      "Incorrect type for the 'compatibilityFlags' field on 'WorkerCode': the provided value is not of type 'Array'.",
    );
    const repeated = thrown(() => normalize(code({ compatibilityFlags: ["nodejs_compat", "nodejs_compat"] })));
    expect(repeated.message).toBe("Compatibility flag specified multiple times: nodejs_compat");
  });

  it("WL-14 allowExperimental is refused: the emulated parent never has the experimental flag", () => {
    const error = thrown(() => normalize(code({ allowExperimental: true })));
    expect(error.constructor).toBe(Error);
    expect(error.message).toBe(
      "'allowExperimental' is only allowed when the calling worker has the 'experimental' compat flag set.",
    );
    expect(normalize(code({ allowExperimental: false })).mainModule).toBe("main.js");
  });

  it("WL-14 streamingTails need allowExperimental", () => {
    const error = thrown(() => normalize(code({ streamingTails: [] })));
    expect(error.message).toBe(
      "Streaming tail workers are experimental. You must pass the option 'allowExperimental: true' to the worker loader to use them",
    );
  });
});

describe("normalizeWorkerCode: modules", () => {
  it("WL-07 mainModule must name one of the modules", () => {
    const error = thrown(() => normalize(code({ mainModule: "index.js" })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("Main module name is not present in bundle.");
  });

  it("WL-07 modules must be a non-array object", () => {
    for (const modules of [undefined, "main.js", ["main.js"]]) {
      const error = thrown(() => normalize(code({ modules })));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        "Incorrect type for the 'modules' field on 'WorkerCode': the provided value is not of type 'object'.",
      );
    }
  });

  it("WL-10 an empty modules object is refused", () => {
    const error = thrown(() => normalize(code({ modules: {} })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("Dynamic Worker code must contain at least one module.");
  });

  it("WL-08 a .ts, .tsx or .jsx module name is rejected with a hint to bundle first", () => {
    for (const name of ["main.ts", "main.tsx", "main.jsx"]) {
      const error = thrown(() => normalize(code({ mainModule: name, modules: { [name]: MAIN } })));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        "Module name must end with '.js' or '.py' (or the content must be an object indicating the type " +
          `explicitly). Got: ${name}. If you're trying to load TypeScript, bundle it first with ` +
          "'@cloudflare/worker-bundler' and pass the generated JavaScript modules.",
      );
    }
  });

  it("WL-08 any other string module name that is not .js or .py is rejected", () => {
    for (const name of ["util.mjs", "notes.txt", "main"]) {
      const error = thrown(() => normalize(code({ modules: { "main.js": MAIN, [name]: "x" } })));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        "Module name must end with '.js' or '.py' (or the content must be an object indicating the type " +
          `explicitly). Got: ${name}`,
      );
    }
  });

  it("WL-09 an object module with more or fewer than one type key is rejected", () => {
    const cases: Array<[unknown, number]> = [
      [{ js: "export {}", text: "x" }, 2],
      [{ source: "export {}" }, 0],
      [null, 0],
    ];
    for (const [value, count] of cases) {
      const error = thrown(() => normalize(code({ modules: { "main.js": MAIN, "lib/x.js": value } })));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        "Each module must contain exactly one of 'js', 'cjs', 'text', 'data', 'json', 'py', or 'wasm'. " +
          `Module 'lib/x.js' contained ${count} properties.`,
      );
    }
  });

  it("WL-09 every module type key maps to its kind, with data copied and json re-parsed", () => {
    const data = new Uint8Array([1, 2, 3]);
    const view = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    const json = { when: new Date(0), nested: { n: 1 }, dropped: undefined };
    const compiled = new WebAssembly.Module(ADD_WASM);
    const normalized = normalize(
      code({
        modules: {
          "main.js": MAIN,
          "esm.mjs": { js: "export const a = 1;" },
          "legacy.cjs": { cjs: "module.exports = 1;" },
          "readme.txt": { text: "hello" },
          "blob.bin": { data: data.buffer },
          "view.bin": { data: view },
          "config.json": { json },
          "add.wasm": { wasm: ADD_WASM },
          "given.wasm": { wasm: compiled },
          "bare.wasm": compiled,
        },
      }),
    );
    const byName = Object.fromEntries(normalized.modules.map((m) => [m.name, m]));
    expect(normalized.modules.map((m) => [m.name, m.kind])).toEqual([
      ["main.js", "esm"],
      ["esm.mjs", "esm"],
      ["legacy.cjs", "cjs"],
      ["readme.txt", "text"],
      ["blob.bin", "data"],
      ["view.bin", "data"],
      ["config.json", "json"],
      ["add.wasm", "wasm"],
      ["given.wasm", "wasm"],
      ["bare.wasm", "wasm"],
    ]);
    data[0] = 99; // the caller changing its buffer later must not reach the child
    expect(new Uint8Array(byName["blob.bin"].content as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    expect(new Uint8Array(byName["view.bin"].content as ArrayBuffer)).toEqual(new Uint8Array([8, 7]));
    expect(byName["config.json"].content).toEqual({ when: "1970-01-01T00:00:00.000Z", nested: { n: 1 } });
    expect(byName["add.wasm"].content).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(byName["add.wasm"].content as WebAssembly.Module)).toEqual([
      { name: "add", kind: "function" },
    ]);
    expect(byName["given.wasm"].content).toBe(compiled);
    expect(byName["bare.wasm"].content).toBe(compiled);
  });

  it("WL-09 a data module that is not bytes is a TypeError on the Module struct", () => {
    const error = thrown(() => normalize(code({ modules: { "main.js": MAIN, "x.bin": { data: "bytes" } } })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      "Incorrect type for the 'data' field on 'Module': the provided value is not of type 'ArrayBuffer or ArrayBufferView'.",
    );
  });

  it("WL-10 a Python module beside a JavaScript main module is rejected", () => {
    const error = thrown(() => normalize(code({ modules: { "main.js": MAIN, "helper.py": "x = 1" } })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`Module "helper.py" is a Python module, but the main module isn't a Python module.`);
  });

  it("WL-10 a Python main module is refused as unsupported by this emulator", () => {
    const error = thrown(() =>
      normalize(code({ mainModule: "main.py", modules: { "main.py": "def on_fetch(): pass" } })),
    );
    expect(error).toBeInstanceOf(EmulatorUnsupportedError);
    expect(error.name).toBe("EmulatorUnsupportedError");
    expect(error.message).toBe(
      'Python Workers are not supported by this emulator: the main module "main.py" is a Python module.',
    );
  });

  it("WL-11 total module bytes over 64 MiB are refused, exactly 64 MiB is accepted", () => {
    const half = "a".repeat(MAX_DYNAMIC_WORKER_CODE_SIZE / 2);
    const atLimit = code({ modules: { "main.js": MAIN, "a.txt": { text: half }, "b.txt": { text: half } } });
    const mainBytes = Buffer.byteLength(MAIN);
    const error = thrown(() => normalize(atLimit));
    expect(error.constructor).toBe(Error);
    expect(error.message).toBe(
      `Dynamic Worker code size (${MAX_DYNAMIC_WORKER_CODE_SIZE + mainBytes} bytes) exceeds the maximum allowed size of 67108864 bytes.`,
    );
    const fits = code({
      modules: { "main.js": MAIN, "a.txt": { text: half }, "b.txt": { text: half.slice(mainBytes) } },
    });
    expect(normalize(fits).modules).toHaveLength(3);
  });

  it("WL-11 code size counts UTF-8 bytes, not UTF-16 code units", () => {
    const euro = "\u20ac".repeat(MAX_DYNAMIC_WORKER_CODE_SIZE / 3 + 1); // 3 bytes each in UTF-8
    const error = thrown(() => normalize(code({ modules: { "main.js": MAIN, "e.txt": { text: euro } } })));
    expect(error.message).toContain(`(${Buffer.byteLength(MAIN) + euro.length * 3} bytes)`);
  });

  it("WL-08 module errors are reported before compatibility errors, in workerd's order", () => {
    const error = thrown(() =>
      normalize(code({ compatibilityDate: "bad", allowExperimental: true, modules: { "main.ts": MAIN } })),
    );
    expect(error.message).toContain("Got: main.ts.");
  });
});

describe("normalizeWorkerCode: env, globalOutbound, limits, tails", () => {
  it("WL-12 env must be an object when given; the object itself is kept for the realm layer", () => {
    const env = { KEY: "value" };
    expect(normalize(code({ env })).env).toBe(env);
    for (const bad of [null, "x", 1]) {
      const error = thrown(() => normalize(code({ env: bad })));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        "Incorrect type for the 'env' field on 'WorkerCode': the provided value is not of type 'Object'.",
      );
    }
  });

  it("WL-11 assertEnvSize accepts 1 MiB and refuses one byte more", () => {
    expect(() => assertEnvSize(1_048_576)).not.toThrow();
    const error = thrown(() => assertEnvSize(1_048_577));
    expect(error.constructor).toBe(Error);
    expect(error.message).toBe(
      "Dynamic Worker env size (1048577 bytes) exceeds the maximum allowed size of 1048576 bytes.",
    );
  });

  it("WL-13 globalOutbound: omitted inherits, null blocks, a Fetcher is kept, anything else is a TypeError", () => {
    const fetcher = { fetch: async () => new Response("proxied") };
    expect(normalize(code()).globalOutbound).toBe("inherit");
    expect(normalize(code({ globalOutbound: null })).globalOutbound).toBeNull();
    expect(normalize(code({ globalOutbound: fetcher })).globalOutbound).toBe(fetcher);
    for (const bad of [{}, "https://proxy", { fetch: "no" }]) {
      const error = thrown(() => normalize(code({ globalOutbound: bad })));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(
        "Incorrect type for the 'globalOutbound' field on 'WorkerCode': the provided value is not of type 'Fetcher'.",
      );
    }
  });

  it("WL-17 limits are unsigned 32-bit integers: fractions truncate, negatives and non-numbers fail", () => {
    expect(normalize(code({ limits: { cpuMs: 50, subRequests: 10 } })).limits).toEqual({ cpuMs: 50, subRequests: 10 });
    expect(normalize(code({ limits: { cpuMs: 2.9 } })).limits).toEqual({ cpuMs: 2 });
    expect(normalize(code({ limits: {} })).limits).toEqual({});
    expect(normalize(code({ limits: { subRequests: 0 } })).limits).toEqual({ subRequests: 0 }); // workerd accepts 0
    const negative = thrown(() => normalize(code({ limits: { cpuMs: -1 } })));
    expect(negative).toBeInstanceOf(TypeError);
    expect(negative.message).toBe(
      "The value cannot be converted because it is negative and this API expects a positive number.",
    );
    for (const bad of [Number.NaN, "fast", Number.POSITIVE_INFINITY]) {
      expect(thrown(() => normalize(code({ limits: { subRequests: bad } }))).message).toBe(
        "The value cannot be converted because it is not an integer.",
      );
    }
    expect(thrown(() => normalize(code({ limits: { cpuMs: 2 ** 32 } }))).message).toBe(
      "Value out of range. Must be less than or equal to 4294967295.",
    );
    expect(thrown(() => normalize(code({ limits: 5 }))).message).toBe(
      "Incorrect type for the 'limits' field on 'WorkerCode': the provided value is not of type 'ResourceLimits'.",
    );
  });

  it("WL-14 tails must be an array of Fetchers", () => {
    const tail = { fetch: async () => new Response() };
    expect(normalize(code({ tails: [tail] })).tails).toEqual([tail]);
    expect(thrown(() => normalize(code({ tails: tail }))).message).toBe(
      "Incorrect type for the 'tails' field on 'WorkerCode': the provided value is not of type 'Array'.",
    );
    expect(thrown(() => normalize(code({ tails: [tail, "x"] }))).message).toBe(
      "Incorrect type for array element 1: the provided value is not of type 'Fetcher'.",
    );
  });
});

describe("codeHash", () => {
  it("WL-04 the same code hashes the same; changed code, names or main module hash differently", () => {
    const base = normalize(code({ modules: { "main.js": MAIN, "lib.js": "export const v = 1;" } })).codeHash;
    expect(normalize(code({ modules: { "main.js": MAIN, "lib.js": "export const v = 1;" } })).codeHash).toBe(base);
    expect(normalize(code({ modules: { "main.js": MAIN, "lib.js": "export const v = 2;" } })).codeHash).not.toBe(base);
    expect(normalize(code({ modules: { "main.js": MAIN, "lib2.js": "export const v = 1;" } })).codeHash).not.toBe(base);
    expect(
      normalize(code({ mainModule: "lib.js", modules: { "main.js": MAIN, "lib.js": "export const v = 1;" } })).codeHash,
    ).not.toBe(base);
    expect(
      normalize(code({ modules: { "main.js": MAIN, "lib.js": { cjs: "export const v = 1;" } } })).codeHash,
    ).not.toBe(base);
  });

  it("WL-04 env, flags and outbound do not change codeHash (they do not change compiled scripts)", () => {
    const base = normalize(code()).codeHash;
    expect(
      normalize(code({ env: { A: 1 }, compatibilityFlags: ["nodejs_compat"], globalOutbound: null })).codeHash,
    ).toBe(base);
  });

  it("WL-04 data, json and wasm content take part in codeHash", () => {
    const withData = (bytes: number[]) =>
      normalize(code({ modules: { "main.js": MAIN, "d.bin": { data: new Uint8Array(bytes) } } })).codeHash;
    expect(withData([1, 2])).toBe(withData([1, 2]));
    expect(withData([1, 2])).not.toBe(withData([1, 3]));
    const withJson = (json: unknown) => normalize(code({ modules: { "main.js": MAIN, "c.json": { json } } })).codeHash;
    expect(withJson({ a: 1 })).not.toBe(withJson({ a: 2 }));
    const withWasm = () => normalize(code({ modules: { "main.js": MAIN, "a.wasm": { wasm: ADD_WASM } } })).codeHash;
    expect(withWasm()).toBe(withWasm());
    expect(computeCodeHash("main.js", [{ name: "main.js", kind: "cjs", content: "1" }])).not.toBe(
      computeCodeHash("main.js", [{ name: "main.js", kind: "cjs", content: "2" }]),
    );
  });
});
