/**
 * The membrane (emulator/runtime/membrane.ts): how values cross between realms. Unit tests drive `transfer` and
 * `invoke` with realms made by `Realm.create`; the last block checks the same rules between a dispatcher and a
 * dynamic worker through the Worker Loader.
 */
import vm from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { Clock } from "../../../emulator/clock.ts";
import type { Emulator } from "../../../emulator/index.ts";
import { invoke } from "../../../emulator/runtime/invoke.ts";
import { transfer } from "../../../emulator/runtime/transfer.ts";
import { Realm } from "../../../emulator/runtime/realm.ts";
import { startLoaderDispatcher, value } from "../../support/loader-dispatcher.ts";
import { flush, track } from "../../support/promise-state.ts";

function realm(label: string, clock = new Clock()): Realm {
  return Realm.create({ label, clock });
}

/** Evaluates `source` in `r` (the host realm if it has no context). */
function evalIn<T = any>(r: Realm, source: string): T {
  return vm.runInContext(source, r.context!) as T;
}

/** A one-argument predicate compiled inside `r`, so `instanceof` uses that realm's built-ins. */
function checkIn(r: Realm, body: string): (v: any) => any {
  return evalIn(r, `(v) => ${body}`);
}

function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** Defines, inside `r`, a class extending that realm's RpcTarget, and returns an instance. */
function counterTarget(r: Realm): object {
  const RpcTarget = (r.runtime.modules["cloudflare:workers"] as { RpcTarget: unknown }).RpcTarget;
  return evalIn<(base: unknown) => object>(
    r,
    `(RpcTarget) => {
      class Base extends RpcTarget { base() { return "from base"; } }
      class Counter extends Base {
        constructor() { super(); this.secret = "own field"; this.n = 0; }
        get value() { return this.n; }
        inc(by) { this.n += by; return this.n; }
        describe(arg) { return { isArray: arg instanceof Array, isObject: arg instanceof Object }; }
      }
      return new Counter();
    }`,
  )(RpcTarget);
}

describe("transfer: data is rebuilt with the receiving realm's constructors", () => {
  const a = realm("a");
  const b = realm("b");

  it("objects, arrays, Dates, Maps, Sets, RegExps and Errors pass instanceof inside the receiver", () => {
    const original = evalIn(
      a,
      `({ obj: { x: 1 }, arr: [1, [2]], date: new Date(5), map: new Map([["k", { v: 1 }]]), set: new Set([1, 2]),
          re: /ab+c/gi, err: new Error("e"), buf: new ArrayBuffer(4) })`,
    );
    const copy = transfer(original, a, b, "rpc") as any;
    expect(copy).not.toBe(original);
    const checks = checkIn(
      b,
      `[v instanceof Object, v.obj instanceof Object, v.arr instanceof Array, v.arr[1] instanceof Array,
        v.date instanceof Date, v.map instanceof Map, v.map.get("k") instanceof Object, v.set instanceof Set,
        v.re instanceof RegExp, v.err instanceof Error, v.buf instanceof ArrayBuffer]`,
    )(copy);
    expect(checks).toEqual(Array(11).fill(true));
    // and they are no longer instances of the sender's constructors
    expect(checkIn(a, "[v instanceof Object, v.arr instanceof Array, v.date instanceof Date]")(copy)).toEqual([
      false,
      false,
      false,
    ]);
    expect(copy.date.getTime()).toBe(5);
    expect([...copy.map.keys()]).toEqual(["k"]);
    expect([...copy.set]).toEqual([1, 2]);
    expect([copy.re.source, copy.re.flags]).toEqual(["ab+c", "gi"]);
    expect(copy.buf.byteLength).toBe(4);
  });

  it("host → realm and realm → host both rebuild with the receiver's built-ins", () => {
    const intoRealm = transfer({ list: [1], when: new Date(1), map: new Map() }, Realm.host(), a, "clone");
    expect(
      checkIn(
        a,
        "[v instanceof Object, v.list instanceof Array, v.when instanceof Date, v.map instanceof Map]",
      )(intoRealm),
    ).toEqual([true, true, true, true]);
    const intoHost = transfer(
      evalIn(a, `({ list: [1], when: new Date(1), map: new Map() })`),
      a,
      Realm.host(),
      "clone",
    ) as any;
    expect(intoHost).toBeInstanceOf(Object);
    expect(intoHost.list).toBeInstanceOf(Array);
    expect(intoHost.when).toBeInstanceOf(Date);
    expect(intoHost.map).toBeInstanceOf(Map);
  });

  it("cycles and shared references are preserved", () => {
    const original = evalIn(
      a,
      `const shared = { s: 1 }; const o = { shared, again: shared, list: [shared] }; o.self = o; o.list.push(o); o`,
    );
    const copy = transfer(original, a, b, "rpc") as any;
    expect(copy.self).toBe(copy);
    expect(copy.list[1]).toBe(copy);
    expect(copy.again).toBe(copy.shared);
    expect(copy.list[0]).toBe(copy.shared);
    expect(copy.shared).not.toBe(original.shared);
    const map = evalIn(a, `const m = new Map(); m.set("me", m); m`);
    const mapCopy = transfer(map, a, b, "clone") as Map<string, unknown>;
    expect(mapCopy.get("me")).toBe(mapCopy);
  });

  it.each([
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
  ])("WF-20 a %s keeps its type (in the receiver's realm) and gets a tight copy of the viewed bytes", (type) => {
    const big = type.startsWith("Big");
    const values = big ? "[1n, 2n, 3n, 4n]" : "[1, 2, 3, 4]";
    const view = evalIn(a, `new ${type}(${values}).subarray(1, 3)`);
    const copy = transfer(view, a, b, "clone") as any;
    expect(checkIn(b, `v instanceof ${type}`)(copy)).toBe(true);
    expect(copy.length).toBe(2);
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(copy.byteLength);
    expect(Array.from(copy, (x: unknown) => Number(x))).toEqual([2, 3]);
  });

  it("a DataView keeps its type and its bytes", () => {
    const view = evalIn(a, `const dv = new DataView(new ArrayBuffer(8), 2, 4); dv.setUint16(0, 513); dv`);
    const copy = transfer(view, a, b, "clone") as DataView;
    expect(checkIn(b, "v instanceof DataView")(copy)).toBe(true);
    expect(copy.byteLength).toBe(4);
    expect(copy.getUint16(0)).toBe(513);
  });

  it("built-in errors keep name and message and are rebuilt with the receiver's constructors", () => {
    const range = transfer(evalIn(a, `new RangeError("out of range")`), a, b, "rpc") as Error;
    expect(checkIn(b, "[v instanceof RangeError, v instanceof Error]")(range)).toEqual([true, true]);
    expect([range.name, range.message]).toEqual(["RangeError", "out of range"]);

    const nested = transfer(evalIn(a, `({ error: new TypeError("inner") })`), a, b, "clone") as { error: Error };
    expect(checkIn(b, "v.error instanceof TypeError")(nested)).toBe(true);
    expect(nested.error.message).toBe("inner");

    const intoHost = transfer(evalIn(a, `new TypeError("to host")`), a, Realm.host(), "rpc");
    expect(intoHost).toBeInstanceOf(TypeError);
  });
});

describe("transfer: a custom-named error's shape is decided by the realm that sends it (enhanced_error_serialization)", () => {
  const clock = new Clock();
  const at = (label: string, compatibilityDate: string, compatibilityFlags: string[] = []) =>
    Realm.create({ label, clock, compatibilityDate, compatibilityFlags });
  const customError = (r: Realm, message: string) =>
    evalIn(
      r,
      `(() => { class NonRetryableError extends Error { constructor(m) { super(m); this.name = "NonRetryableError"; } } return new NonRetryableError(${JSON.stringify(message)}); })()`,
    );

  it("from a sender at compat 2026-01-01 (no enhanced_error_serialization) it arrives as Error '<name>: <message>'", () => {
    const sender = at("legacy-sender", "2026-01-01");
    const receiver = at("legacy-receiver", "2026-01-01");
    const custom = transfer(customError(sender, "stop"), sender, receiver, "rpc") as Error;
    expect(checkIn(receiver, "[v instanceof Error, v.constructor === Error]")(custom)).toEqual([true, true]);
    expect([custom.name, custom.message]).toEqual(["Error", "NonRetryableError: stop"]);

    // an empty message leaves just the name
    const empty = transfer(customError(sender, ""), sender, receiver, "rpc") as Error;
    expect([empty.name, empty.message]).toEqual(["Error", "NonRetryableError"]);
  });

  it.each([
    ["compat 2026-05-01", "2026-05-01", []],
    ["compat 2026-01-01 + the enhanced_error_serialization flag", "2026-01-01", ["enhanced_error_serialization"]],
  ])("from a sender at %s it keeps its name and message", (_what, compatibilityDate, compatibilityFlags) => {
    const sender = at("enhanced-sender", compatibilityDate, compatibilityFlags);
    const receiver = at("enhanced-receiver", "2026-05-01");
    const custom = transfer(customError(sender, "stop"), sender, receiver, "rpc") as Error;
    expect(checkIn(receiver, "v instanceof Error")(custom)).toBe(true);
    expect([custom.name, custom.message]).toEqual(["NonRetryableError", "stop"]);
  });
});

describe("transfer: what cannot be cloned", () => {
  const a = realm("a");
  const b = realm("b");

  it.each(["rpc", "clone"] as const)("a non-cloneable class instance throws DataCloneError (%s mode)", (mode) => {
    const error = thrown(() =>
      transfer(evalIn(a, `(() => { class Foo { constructor() { this.x = 1; } } return new Foo(); })()`), a, b, mode),
    );
    expect(error.name).toBe("DataCloneError");
    expect(error.message).toBe('Could not serialize object of type "Foo". This type does not support serialization.');
    const nested = thrown(() =>
      transfer(evalIn(a, `(() => { class Bar {} return { deep: [new Bar()] }; })()`), a, b, mode),
    );
    expect(nested.message).toBe('Could not serialize object of type "Bar". This type does not support serialization.');
  });

  it.each([
    ["a symbol", `Symbol("s")`],
    ["a symbol in an object", `({ s: Symbol("s") })`],
    ["a symbol in a Map", `new Map([["k", Symbol.iterator]])`],
  ])("%s throws DataCloneError", (_label, source) => {
    for (const mode of ["rpc", "clone", "env"] as const) {
      const error = thrown(() => transfer(evalIn(a, source), a, b, mode));
      expect(error.name).toBe("DataCloneError");
      expect(error.message).toMatch(/Symbol\(.*\) could not be cloned\./);
    }
  });

  it("a promise cannot be cloned", () => {
    const error = thrown(() => transfer(evalIn(a, `({ p: Promise.resolve(1) })`), a, b, "rpc"));
    expect(error.name).toBe("DataCloneError");
  });

  it("functions: DataCloneError in clone mode, the WL-12 text in env mode", () => {
    const fn = evalIn(a, `(function named() { return 1; })`);
    const clone = thrown(() => transfer({ fn }, a, b, "clone"));
    expect(clone.name).toBe("DataCloneError");
    expect(clone.message).toContain("could not be cloned");
    const env = thrown(() => transfer({ fn }, a, b, "env"));
    expect(env.name).toBe("DataCloneError");
    expect(env.message).toBe(
      "Dynamic 'env' contains one or more objects that are not supported for use in 'env', although they would be supported in 'props'.",
    );
  });

  it("an RpcTarget cannot be cloned (clone mode) nor put in env", () => {
    expect(thrown(() => transfer(counterTarget(a), a, b, "clone")).name).toBe("DataCloneError");
    expect(thrown(() => transfer({ t: counterTarget(a) }, a, b, "env")).name).toBe("DataCloneError");
  });
});

describe("transfer in RPC mode: functions and RpcTargets cross by reference", () => {
  const a = realm("a");
  const b = realm("b");

  it("a function becomes a callable stub that is not thenable", async () => {
    const fn = evalIn(a, `(list) => ({ got: list, isArray: list instanceof Array, doubled: list.map((x) => x * 2) })`);
    const stub = transfer(fn, a, b, "rpc") as any;
    expect(typeof stub).toBe("function");
    expect(stub).not.toBe(fn);
    expect(stub.then).toBeUndefined();
    expect(await Promise.resolve(stub)).toBe(stub); // awaiting a stub gives the stub, not a call
    const argument = evalIn(b, "[1, 2]");
    const result = await stub(argument);
    // arguments arrive in the owner's realm; the result comes back in the caller's
    expect(result).toEqual({ got: [1, 2], isArray: true, doubled: [2, 4] });
    expect(checkIn(b, "[v instanceof Object, v.doubled instanceof Array]")(result)).toEqual([true, true]);
  });

  it("a function stub sent back to its owner realm is the original function again", () => {
    const fn = evalIn(a, `(function original() {})`);
    const stub = transfer(fn, a, b, "rpc");
    expect(transfer(stub, b, a, "rpc")).toBe(fn);
    // and nested stubs stay stubs: a → b → host is still a stub of the same function
    const again = transfer(stub, b, Realm.host(), "rpc") as any;
    expect(again).not.toBe(fn);
    expect(typeof again).toBe("function");
  });

  it("an error thrown by a function stub's target rejects the call with name and message, in the caller's realm", async () => {
    const fn = evalIn(a, `() => { const e = new TypeError("bad call"); throw e; }`);
    const stub = transfer(fn, a, b, "rpc") as () => Promise<unknown>;
    const error: Error = (await stub().catch((e: Error) => e)) as Error;
    expect([error.name, error.message]).toEqual(["TypeError", "bad call"]);
    expect(checkIn(b, "v instanceof TypeError")(error)).toBe(true);
  });

  it("an RpcTarget crosses by reference: prototype getters and methods are reachable, own fields are not", async () => {
    const target = counterTarget(a) as any;
    const stub = transfer(target, a, b, "rpc") as any;
    expect(stub.then).toBeUndefined();
    expect(await Promise.resolve(stub)).toBe(stub);
    expect(await stub.value).toBe(0);
    expect(await stub.inc(5)).toBe(5);
    expect(await stub.value).toBe(5);
    expect(target.n).toBe(5); // the original was changed: by reference, not a copy
    expect(await stub.base()).toBe("from base"); // a method of an intermediate class
    expect(await stub.secret).toBeUndefined(); // own field
    expect(await stub.n).toBeUndefined();
    const notMethod = await stub.secret().catch((e: Error) => e);
    expect(notMethod.message).toBe('The RPC receiver does not implement the method "secret".');
    expect(await stub.describe(evalIn(b, "[1]"))).toEqual({ isArray: true, isObject: true });
  });

  it("an RpcTarget inside a data structure is a stub there; the surrounding data is copied", async () => {
    const holder = evalIn<(t: object) => object>(a, `(t) => ({ label: "x", target: t })`)(counterTarget(a));
    const copy = transfer(holder, a, b, "rpc") as any;
    expect(copy.label).toBe("x");
    expect(await copy.target.inc(2)).toBe(2);
    expect(await copy.target.value).toBe(2);
  });
});

describe("invoke and killed realms", () => {
  it("a call made by a killed caller never settles", async () => {
    const owner = realm("owner");
    const caller = realm("caller");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const during = track(invoke(owner, caller, () => gate.then(() => 1)));
    caller.kill();
    release();
    const after = track(invoke(owner, caller, () => 2));
    await flush();
    expect(during.status).toBe("pending");
    expect(after.status).toBe("pending");
  });

  it("a call from another realm into an already-killed realm never settles", async () => {
    const owner = realm("owner");
    const caller = realm("caller");
    owner.kill();
    let ran = false;
    const call = track(invoke(owner, caller, () => (ran = true)));
    await flush();
    expect(call.status).toBe("pending");
    expect(ran).toBe(false);
  });

  it("a stub of a function owned by a killed realm never settles when called", async () => {
    const owner = realm("owner");
    const caller = realm("caller");
    const stub = transfer(evalIn(owner, "() => 1"), owner, caller, "rpc") as () => Promise<unknown>;
    expect(await stub()).toBe(1);
    owner.kill();
    const call = track(stub());
    await flush();
    expect(call.status).toBe("pending");
  });

  it("a host-originated call into a realm killed while the call runs rejects (like a request to a crashed runtime)", async () => {
    const owner = realm("dying");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const call = track(invoke(owner, Realm.host(), () => gate.then(() => "late")));
    await flush(2);
    expect(call.status).toBe("pending");
    owner.kill();
    release();
    await flush();
    expect(call.status).toBe("rejected");
    expect((call.value as Error).message).toBe(
      'The worker "dying" was terminated while handling this call (emulated crash).',
    );
  });

  it("a killed realm's timers never fire", async () => {
    const clock = new Clock();
    const owner = realm("timers", clock);
    const fired: string[] = [];
    const record = evalIn<(push: (s: string) => void) => void>(
      owner,
      `(push) => { setTimeout(() => push("timeout"), 100); setInterval(() => push("interval"), 50); }`,
    );
    record((s) => fired.push(s));
    await clock.advance(60);
    expect(fired).toEqual(["interval"]);
    owner.kill();
    await clock.advance(1000);
    expect(fired).toEqual(["interval"]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("results of a live call come back in the caller's realm", async () => {
    const owner = realm("owner");
    const caller = realm("caller");
    const result = await invoke(owner, caller, () => evalIn(owner, `({ list: [1], when: new Date(3) })`));
    expect(checkIn(caller, "[v instanceof Object, v.list instanceof Array, v.when instanceof Date]")(result)).toEqual([
      true,
      true,
      true,
    ]);
    const error: Error = (await invoke(owner, caller, () => {
      throw evalIn(owner, `new RangeError("from owner")`);
    }).catch((e: Error) => e)) as Error;
    expect(checkIn(caller, "v instanceof RangeError")(error)).toBe(true);
    expect(error.message).toBe("from owner");
  });
});

describe("the membrane between a dispatcher and a dynamic worker", () => {
  const TENANT = `
    import { WorkerEntrypoint } from "cloudflare:workers";
    export class Probe extends WorkerEntrypoint {
      inspect(value) {
        return {
          isObject: value instanceof Object,
          listIsArray: value.list instanceof Array,
          whenIsDate: value.when instanceof Date,
          mapIsMap: value.map instanceof Map,
          errIsError: value.err instanceof Error,
          errName: value.err.name,
          bytesIsUint16: value.bytes instanceof Uint16Array,
          cycle: value.self === value,
        };
      }
      build() {
        const out = { list: [1, 2], when: new Date(7), map: new Map([["a", 1]]), bytes: new Float32Array([1.5]) };
        out.self = out;
        return out;
      }
      async callBack(fn) {
        const result = await fn(20);
        return { result, type: typeof fn, then: typeof fn.then };
      }
      async useTarget(target) {
        const before = await target.count;
        const after = await target.bump(3);
        const own = await target.hidden;
        return { before, after, ownIsUndefined: own === undefined, then: typeof target.then };
      }
      fail() {
        class QuotaError extends Error { constructor(m) { super(m); this.name = "QuotaError"; } }
        throw new QuotaError("quota exceeded for tenant");
      }
      echo(value) { return value; }
    }
    export default { fetch() { return new Response("ok"); } };
  `;

  const PRELUDE = `
    class Tally extends RpcTarget {
      constructor() { super(); this.hidden = "own field"; this.n = 1; }
      get count() { return this.n; }
      bump(by) { this.n += by; return this.n; }
    }
    class Opaque { constructor() { this.x = 1; } }
    function probe(env) { return env.LOADER.get("probe", () => code("tenant")).getEntrypoint("Probe"); }
    async function attempt(fn) { try { return { ok: await fn() }; } catch (e) { return { error: describeError(e) }; } }
  `;

  const ROUTES = `
    async inspect(env) {
      const value = { list: [1], when: new Date(1), map: new Map([[1, 2]]), err: new RangeError("r"), bytes: new Uint16Array([1]) };
      value.self = value;
      return probe(env).inspect(value);
    },
    async build(env) {
      const v = await probe(env).build();
      return {
        isObject: v instanceof Object, listIsArray: v.list instanceof Array, whenIsDate: v.when instanceof Date,
        when: v.when.getTime(), mapIsMap: v.map instanceof Map, bytesIsFloat32: v.bytes instanceof Float32Array,
        cycle: v.self === v,
      };
    },
    async callBack(env) {
      let calledWith = null;
      const out = await probe(env).callBack((x) => { calledWith = x; return x * 2 + 2; });
      return { ...out, calledWith };
    },
    async useTarget(env) {
      const tally = new Tally();
      const out = await probe(env).useTarget(tally);
      return { ...out, dispatcherSees: tally.n };
    },
    async fail(env) {
      return attempt(() => probe(env).fail());
    },
    async opaque(env) { return attempt(() => probe(env).echo({ nested: new Opaque() })); },
    async symbol(env) { return attempt(() => probe(env).echo({ s: Symbol("tag") })); },
  `;

  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.dispose();
    emulator = undefined;
  });

  async function start() {
    emulator = await startLoaderDispatcher({ sources: { tenant: TENANT }, prelude: PRELUDE, routes: ROUTES });
    return emulator;
  }

  it("arguments are rebuilt inside the dynamic worker with its own constructors", async () => {
    const em = await start();
    expect(await value(em, "inspect")).toEqual({
      isObject: true,
      listIsArray: true,
      whenIsDate: true,
      mapIsMap: true,
      errIsError: true,
      errName: "RangeError",
      bytesIsUint16: true,
      cycle: true,
    });
  });

  it("results are rebuilt inside the dispatcher with its own constructors", async () => {
    const em = await start();
    expect(await value(em, "build")).toEqual({
      isObject: true,
      listIsArray: true,
      whenIsDate: true,
      when: 7,
      mapIsMap: true,
      bytesIsFloat32: true,
      cycle: true,
    });
  });

  it("a function argument reaches the worker as a callable, non-thenable stub that runs in the dispatcher", async () => {
    const em = await start();
    expect(await value(em, "callBack")).toEqual({ result: 42, type: "function", then: "undefined", calledWith: 20 });
  });

  it("an RpcTarget argument crosses by reference: getters and methods work, own fields are unreachable", async () => {
    const em = await start();
    expect(await value(em, "useTarget")).toEqual({
      before: 1,
      after: 4,
      ownIsUndefined: true,
      then: "undefined",
      dispatcherSees: 4,
    });
  });

  it("a custom error thrown in the worker (compat 2026-01-01) reaches the dispatcher as a dispatcher Error '<name>: <message>'", async () => {
    const em = await start();
    // The worker has no enhanced_error_serialization, so the name survives only as a message prefix (as on workerd).
    expect(await value(em, "fail")).toEqual({
      error: { name: "Error", message: "QuotaError: quota exceeded for tenant", isError: true },
    });
  });

  it("a non-cloneable class instance as an argument rejects the call with DataCloneError", async () => {
    const em = await start();
    expect(await value(em, "opaque")).toEqual({
      error: {
        name: "DataCloneError",
        message: 'Could not serialize object of type "Opaque". This type does not support serialization.',
        isError: true,
      },
    });
  });

  it("a symbol as an argument rejects the call with DataCloneError", async () => {
    const em = await start();
    const result = await value(em, "symbol");
    expect(result.error).toMatchObject({ name: "DataCloneError", message: "Symbol(tag) could not be cloned." });
  });
});
