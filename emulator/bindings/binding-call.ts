/**
 * How worker code calls a storage binding (KV, R2, Durable Object storage): the binding object lives in the host and
 * keeps its data there; each call runs on behalf of the calling realm. Like a call across realms (runtime/invoke.ts):
 * a call made by dead code (a crashed isolate, an execution killed by hibernation, pause or crash) never settles, and
 * it counts as activity so virtual time does not move while it is pending. Errors reach the caller rebuilt in its own
 * realm (`instanceof TypeError` works there), results as values of its realm.
 */
import { types } from "node:util";
import { executionScope, rpcActivity } from "../runtime/invoke.ts";
import { never } from "../runtime/never.ts";
import { Realm } from "../runtime/realm.ts";
import { rebuildError } from "../runtime/rebuild-error.ts";
import { transfer } from "../runtime/transfer.ts";
import { adoptPromise } from "../runtime/unhandled-rejections.ts";

/**
 * Runs `body` (host code) for `caller`; `deliver` turns its host result into the caller's value (default: a
 * structured clone into the caller's realm).
 */
export function bindingCall<T>(
  caller: Realm,
  body: () => T | Promise<T>,
  deliver: (result: T) => unknown = (result) => transfer(result, Realm.host(), caller, "clone"),
): Promise<unknown> {
  const scope = executionScope.getStore();
  const alive = () => caller.alive && (!scope || scope.alive);
  if (!alive()) return never();
  rpcActivity.calls++;
  const call = (async () => {
    let result: T;
    try {
      result = await body();
    } catch (error) {
      if (!alive()) return never();
      throw inCallerRealm(error, caller);
    }
    if (!alive()) return never();
    return deliver(result);
  })();
  return caller === Realm.host() ? call : adoptPromise(call, caller);
}

/** Runs synchronous binding code for `caller` (id factories, argument checks): its errors are the caller's. */
export function syncBindingCall<T>(caller: Realm, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw inCallerRealm(error, caller);
  }
}

function inCallerRealm(error: unknown, caller: Realm): unknown {
  return types.isNativeError(error) ? rebuildError(error as Error, caller) : error;
}
