/**
 * The rule every storage binding call follows (emulator/bindings/binding-call.ts), as calls across realms do
 * (docs/architecture.md, "Dead code stays dead"): a call from a dead realm never settles and never runs; results and
 * errors arrive as values of the caller's realm.
 */
import { describe, expect, it } from "vitest";
import { bindingCall } from "../../../emulator/bindings/binding-call.ts";
import { KvBinding } from "../../../emulator/bindings/kv-binding.ts";
import { KvStore } from "../../../emulator/bindings/kv-store.ts";
import { Clock } from "../../../emulator/clock.ts";
import { Realm } from "../../../emulator/runtime/realm.ts";
import { flush, track } from "../../support/promise-state.ts";

function realm(): Realm {
  return Realm.create({ label: "caller", clock: new Clock() });
}

describe("binding calls on behalf of a realm", () => {
  it("a call made by a dead realm never settles and its body never runs (a crashed dispatcher writes nothing)", async () => {
    const caller = realm();
    const store = new KvStore(() => 0);
    const kv = new KvBinding(store, caller);
    caller.kill();
    const put = track(kv.put("k", "v"));
    const get = track(kv.get("k"));
    await flush();
    expect([put.status, get.status]).toEqual(["pending", "pending"]);
    expect(store.read("k")).toBeUndefined();
  });

  it("a realm that dies while its call is in flight never gets the answer", async () => {
    const caller = realm();
    let release: (value: string) => void = () => {};
    const call = track(bindingCall(caller, () => new Promise<string>((resolve) => (release = resolve))));
    caller.kill();
    release("too late");
    await flush();
    expect(call.status).toBe("pending");
  });

  it("results are values of the caller's realm, errors are its own error classes", async () => {
    const caller = realm();
    const result = await bindingCall(caller, () => ({ list: [1] }));
    expect(result).not.toBeInstanceOf(Object); // another realm's Object
    expect(result).toBeInstanceOf(caller.intrinsics.Object);
    const failed = track(
      bindingCall(caller, () => {
        throw new TypeError("bad key");
      }),
    );
    await flush();
    expect(failed.status).toBe("rejected");
    expect(failed.value).toBeInstanceOf(caller.intrinsics.byName.TypeError as ErrorConstructor);
    expect((failed.value as Error).message).toBe("bad key");
  });
});
