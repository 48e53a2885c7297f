/**
 * The global structuredClone inside an isolate follows the HTML algorithm (class instances become plain
 * objects) and throws errors of the isolate's realm (regressions).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../../emulator/index.ts";
import { startLoaderDispatcher, value } from "../../support/loader-dispatcher.ts";

const TENANT = `
  export default {
    fetch() {
      const out = {};
      class Foo { constructor() { this.x = 1; } }
      try {
        const copy = structuredClone(new Foo());
        out.classInstance = { cloned: true, plain: Object.getPrototypeOf(copy) === Object.prototype, x: copy.x };
      } catch (e) {
        out.classInstance = { cloned: false, name: e.name, message: e.message };
      }
      try { structuredClone(() => 1); out.fn = null; } catch (e) { out.fn = { name: e.name, isError: e instanceof Error }; }
      return Response.json(out);
    },
  };
`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.dispose();
  emulator = undefined;
});

async function probe() {
  emulator = await startLoaderDispatcher({
    sources: { tenant: TENANT },
    routes: `async clone(env) { return (await env.LOADER.load(code("tenant")).getEntrypoint().fetch("http://t/")).json(); },`,
  });
  return value(emulator, "clone");
}

describe("structuredClone inside an isolate", () => {
  // Expected: workerd's global structuredClone (ServiceWorkerGlobalScope::structuredClone → JsValue::structuredClone)
  // uses jsg::Serializer's default `treatClassInstancesAsPlainObjects = true`, so a class instance is cloned as a plain
  // object with its own properties (as in browsers and Node). Only RPC rejects class instances.
  // Before the fix: DataCloneError 'Could not serialize object of type "Foo"'. Cause: installStructuredClone
  // (emulator/runtime/worker-isolate.ts) reuses the membrane's "clone" mode, which has RPC's class-instance rule.
  // [INFERRED from workerd source, not from the spec.]
  it("structuredClone(new Foo()) returns a plain-object copy, as in workerd", async () => {
    expect((await probe()).classInstance).toEqual({ cloned: true, plain: true, x: 1 });
  });

  // Expected: the DataCloneError thrown by structuredClone is a DOMException of the isolate, and DOMException.prototype
  // inherits from Error.prototype, so `e instanceof Error` is true inside the isolate.
  // Before the fix: false: the error is the host realm's DataCloneError. Cause: installStructuredClone calls the host-side
  // transfer(), whose errors are never rebuilt in the isolate's realm (emulator/runtime/worker-isolate.ts).
  it("the DataCloneError from structuredClone(fn) is an Error of the isolate's realm", async () => {
    expect((await probe()).fn).toEqual({ name: "DataCloneError", isError: true });
  });
});
