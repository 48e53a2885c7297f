/**
 * Membrane edge cases: calls into realms that die, null-prototype objects (regressions).
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { Clock } from "../../../emulator/clock.ts";
import { invoke } from "../../../emulator/runtime/invoke.ts";
import { transfer } from "../../../emulator/runtime/transfer.ts";
import { Realm } from "../../../emulator/runtime/realm.ts";
import { flush, track } from "../../support/promise-state.ts";

function realm(label: string): Realm {
  return Realm.create({ label, clock: new Clock() });
}

describe("calls into a killed realm", () => {
  // Expected (membrane.ts header: "a call made by, or into, something dead (a crashed isolate ...) never settles";
  // the brief: "a call whose realm was killed never settles"): once the OWNER realm is killed, a call that was running
  // in it must not deliver a result to a caller in another realm.
  // Before the fix: the result is delivered ("fulfilled" with the value). Cause: invoke()'s `stillWanted` checks only
  // `caller.alive` and the execution scope, never `owner.alive` (emulator/runtime/membrane.ts invoke).
  it("a call from another realm into a realm killed while the call runs never settles", async () => {
    const owner = realm("owner");
    const caller = realm("caller");
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const call = track(invoke(owner, caller, () => gate.then(() => "result from a dead isolate")));
    owner.kill();
    release();
    await flush();
    expect(call.status).toBe("pending");
  });

  // Expected (membrane.ts invoke: "A request from outside (the harness, a test) fails like an HTTP request to a
  // crashed runtime would, instead of hanging"; the brief: "a host-originated call into a killed realm rejects").
  // Before the fix: a host call into a realm that is ALREADY dead never settles. Cause: invoke() returns NEVER on
  // `!owner.alive` before it reaches the host-caller branch that subscribes to onDeath (emulator/runtime/membrane.ts).
  it("a host-originated call into an already-killed realm rejects instead of hanging", async () => {
    const owner = realm("dead");
    owner.kill();
    const call = track(invoke(owner, Realm.host(), () => "never runs"));
    await flush();
    expect(call.status).toBe("rejected");
  });
});

describe("RPC serialisation of null-prototype objects", () => {
  // Expected (workerd jsg/ser.c++ Serializer::IsHostObject with treatClassInstancesAsPlainObjects=false, used for
  // JS RPC and Frankenvalue/env): any object whose prototype is not Object.prototype is treated as a host object and
  // throws DataCloneError "Could not serialize object of type ..."; a null-prototype object is such an object.
  // Before the fix: it is copied as a plain object. Cause: isPlainObject() in emulator/runtime/membrane.ts returns true for
  // `proto === null`. [INFERRED from workerd source, not from the spec.]
  it("an Object.create(null) value cannot cross an RPC boundary", () => {
    const a = realm("a");
    const b = realm("b");
    const value = vm.runInContext(`const o = Object.create(null); o.x = 1; o`, a.context!);
    expect(() => transfer(value, a, b, "rpc")).toThrow(/Could not serialize object of type/);
  });
});
