/**
 * What the performance work (emulator/clock.ts, runtime/realm.ts, runtime/membrane.ts) must keep true: cancelled
 * timers release their callbacks and still fire the rest in order; dead executions do not pile up as realm leases;
 * realms made with ordinary globals stay separate; a rebuilt error shows its original's stack when asked. No timing
 * is asserted here: speed is measured by the benchmarks.
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { Clock } from "../../../emulator/clock.ts";
import { executionScope, invoke } from "../../../emulator/runtime/invoke.ts";
import { rebuildError } from "../../../emulator/runtime/rebuild-error.ts";
import { transfer } from "../../../emulator/runtime/transfer.ts";
import { Realm, type Liveness } from "../../../emulator/runtime/realm.ts";
import { flush, track } from "../../support/promise-state.ts";

describe("virtual timers", () => {
  it("a cancelled timer drops its callback (a hibernated instance's dead run() must not stay reachable)", () => {
    const clock = new Clock();
    const handle = clock.after(1000, () => {}) as unknown as { fire: unknown; cancel(): void };
    const before = handle.fire;
    handle.cancel();
    expect(handle.fire).not.toBe(before);
    handle.cancel(); // twice is harmless
    expect(clock.pendingTimers).toBe(0);
  });

  it("after many cancellations (the heap is compacted) the live timers still fire in (time, insertion) order", async () => {
    const clock = new Clock("virtual", 0);
    const fired: number[] = [];
    const handles = [];
    for (let i = 0; i < 5000; i++) {
      const at = 1000 + (i % 7) * 10; // many timers due at the same instant: insertion order must decide
      handles.push(clock.at(at, () => fired.push(i)));
    }
    for (let i = 0; i < 5000; i++) if (i % 3 !== 0) handles[i].cancel();
    const expected = [...Array(5000).keys()].filter((i) => i % 3 === 0).sort((a, b) => (a % 7) - (b % 7) || a - b);
    await clock.advance(10_000);
    expect(fired).toEqual(expected);
  });
});

describe("realm leases", () => {
  it("calls made for executions that were killed do not accumulate as leases", async () => {
    const clock = new Clock();
    const owner = Realm.create({ label: "owner", clock });
    const caller = Realm.create({ label: "caller", clock });
    const leases = () => (owner as unknown as { leases: Set<unknown> }).leases.size;
    for (let i = 0; i < 2000; i++) {
      const exec = { alive: true } as { alive: boolean } & Liveness;
      // A call that never settles (as a hibernated instance's sleep does), then its execution dies.
      executionScope.run(exec, () => invoke(owner, caller, () => new Promise(() => {})));
      exec.alive = false;
    }
    await flush(2);
    expect(leases()).toBeLessThan(200);
    expect(owner.busy).toBe(false);
  });

  it("a call running for a live execution keeps its lease and keeps the realm busy", async () => {
    const clock = new Clock();
    const owner = Realm.create({ label: "owner", clock });
    const caller = Realm.create({ label: "caller", clock });
    const exec = { alive: true };
    let release!: () => void;
    const call = track(
      executionScope.run(exec, () => invoke(owner, caller, () => new Promise<void>((r) => (release = r)))),
    );
    for (let i = 0; i < 500; i++) {
      const dead = { alive: true };
      executionScope.run(dead, () => invoke(owner, caller, () => new Promise(() => {})));
      dead.alive = false;
    }
    expect(owner.busy).toBe(true);
    release();
    await flush();
    expect(call.status).toBe("fulfilled");
    expect(owner.busy).toBe(false);
  });
});

describe("realms with ordinary globals", () => {
  it("globals and intrinsics stay per realm, and none leak into the host", () => {
    const clock = new Clock();
    const a = Realm.create({ label: "a", clock });
    const b = Realm.create({ label: "b", clock });
    vm.runInContext("globalThis.shared = 'a'; Array.prototype.tainted = 1;", a.context!);
    expect(vm.runInContext("typeof shared + ':' + typeof [].tainted", b.context!)).toBe("undefined:undefined");
    expect(vm.runInContext("typeof shared + ':' + typeof [].tainted", a.context!)).toBe("string:number");
    expect((globalThis as Record<string, unknown>).shared).toBeUndefined();
    expect(([] as unknown as { tainted?: unknown }).tainted).toBeUndefined();
    expect(vm.runInContext("Array", a.context!)).not.toBe(vm.runInContext("Array", b.context!));
    expect(a.intrinsics.Array).toBe(vm.runInContext("Array", a.context!));
  });

  it("the installed globals are there: virtual Date, timers, console, structured clone input", () => {
    const clock = new Clock("virtual", Date.UTC(2030, 0, 1));
    const r = Realm.create({ label: "r", clock, log: () => {} });
    expect(vm.runInContext("Date.now()", r.context!)).toBe(Date.UTC(2030, 0, 1));
    expect(vm.runInContext("new Date().getTime()", r.context!)).toBe(Date.UTC(2030, 0, 1));
    expect(
      vm.runInContext("typeof setTimeout + typeof console.log + typeof self + typeof performance.now", r.context!),
    ).toBe("functionfunctionobjectfunction");
    const copied = transfer({ when: new Date(5), list: [1, 2] }, Realm.host(), r, "clone") as {
      when: Date;
      list: number[];
    };
    expect(copied.when instanceof r.intrinsics.Date).toBe(true);
    expect(Array.isArray(copied.list) && copied.list instanceof r.intrinsics.Array).toBe(true);
  });
});

describe("rebuilt errors", () => {
  it("show the original's stack when asked, and accept a new one", () => {
    const clock = new Clock();
    const r = Realm.create({ label: "r", clock });
    const original = vm.runInContext("(function thrower() { return new TypeError('bad'); })()", r.context!) as Error;
    const rebuilt = rebuildError(original, Realm.host(), r);
    expect(rebuilt).toBeInstanceOf(TypeError);
    expect(rebuilt.message).toBe("bad");
    expect(rebuilt.stack).toBe(original.stack);
    expect(rebuilt.stack).toContain("thrower");
    rebuilt.stack = "replaced";
    expect(rebuilt.stack).toBe("replaced");
    expect(Object.getOwnPropertyDescriptor(rebuilt, "stack")).toMatchObject({ value: "replaced", writable: true });
  });

  it("leave Error.stackTraceLimit of the receiving realm as it was, even when worker code changed it", () => {
    const clock = new Clock();
    const r = Realm.create({ label: "r", clock });
    vm.runInContext("Error.stackTraceLimit = 3", r.context!);
    const hostLimit = Error.stackTraceLimit;
    const original = new Error("from the host");
    const rebuilt = rebuildError(original, r, Realm.host());
    expect(vm.runInContext("Error.stackTraceLimit", r.context!)).toBe(3);
    expect(Error.stackTraceLimit).toBe(hostLimit);
    expect(rebuilt instanceof r.intrinsics.Error).toBe(true);
    expect(rebuilt.stack).toBe(original.stack);
    vm.runInContext("Object.defineProperty(Error, 'stackTraceLimit', { value: 5, writable: false })", r.context!);
    expect(rebuildError(original, r, Realm.host()).message).toBe("from the host");
    expect(vm.runInContext("Error.stackTraceLimit", r.context!)).toBe(5);
  });

  it("an original whose stack is not a string leaves a header naming the error", () => {
    const original = new RangeError("out");
    Object.defineProperty(original, "stack", { value: undefined });
    const rebuilt = rebuildError(original, Realm.host());
    expect(rebuilt.stack).toBe("RangeError: out");
  });
});
