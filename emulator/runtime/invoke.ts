/**
 * Calls across realms. `invoke` runs a call inside the realm that owns the callee on behalf of a caller and brings
 * its result (or error) back through `transfer`, as workerd's RPC does; a call made by, or into, something dead (a
 * crashed isolate, an execution killed by hibernation, pause or crash) never settles. Stubs (rpc-stubs.ts) call
 * through here: this module connects them when it loads.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { types } from "node:util";
import { never } from "./never.ts";
import { Realm, type Liveness } from "./realm.ts";
import { rebuildError } from "./rebuild-error.ts";
import { connectStubs } from "./rpc-stubs.ts";
import { transfer } from "./transfer.ts";
import { adoptPromise } from "./unhandled-rejections.ts";

/** Counts calls across realms: part of the "is anything still happening?" signal used to settle virtual time. */
export const rpcActivity = { calls: 0 };

/** The execution (one `run()` lifetime) on whose behalf the current code runs. */
export const executionScope = new AsyncLocalStorage<Liveness>();

/**
 * Runs `thunk` inside `owner` on behalf of `caller`, then brings its result (or error) back into `caller`.
 * Arguments must be transferred inside `thunk`, so a clone failure rejects the call like it does in workerd.
 */
export function invoke(owner: Realm, caller: Realm, thunk: () => unknown): Promise<unknown> {
  const scope = executionScope.getStore();
  const fromOutside = !scope && caller === Realm.host();
  if (fromOutside && !owner.alive) {
    return Promise.reject(new Error(`The worker "${owner.label}" was terminated before this call (emulated crash).`));
  }
  if (!owner.alive || !caller.alive || (scope && !scope.alive)) return never();
  rpcActivity.calls++;
  const lease = owner.enter(scope);
  // `thunk` runs synchronously, its result is awaited, then brought back. Written with one `then` rather than an
  // async function: the same turns of the microtask queue, with fewer promises and no suspended frame per call.
  let call: Promise<unknown>;
  try {
    call = Promise.resolve(thunk()).then(
      (result) => {
        owner.leave(lease);
        if (!stillWanted(owner, caller, scope)) return never();
        try {
          return transfer(result, owner, caller, "rpc");
        } catch (error) {
          throw failure(error, owner, caller);
        }
      },
      (error) => {
        owner.leave(lease);
        if (!stillWanted(owner, caller, scope)) return never();
        throw failure(error, owner, caller);
      },
    );
  } catch (error) {
    owner.leave(lease);
    if (!stillWanted(owner, caller, scope)) call = never();
    else {
      try {
        call = Promise.reject(failure(error, owner, caller));
      } catch (unsendable) {
        call = Promise.reject(unsendable); // a thrown value that cannot cross (DataCloneError)
      }
    }
  }
  // The result is a host promise handed to worker code: if the worker drops it and it rejects (even with a
  // primitive, which has no realm to recognise it by), it is that worker's unhandled rejection, logged, not the host's.
  if (!fromOutside) return caller === Realm.host() ? call : adoptPromise(call, caller);
  // A request from outside (the harness, a test) fails like an HTTP request to a crashed runtime would,
  // instead of hanging: code inside the emulator just stops, but the outside world gets an answer.
  return new Promise((resolve, reject) => {
    const unsubscribe = owner.onDeath(() =>
      reject(new Error(`The worker "${owner.label}" was terminated while handling this call (emulated crash).`)),
    );
    // Unsubscribed in both handlers rather than with `.finally`: two promises fewer per request from outside.
    call.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}

/** An error thrown in `owner`, as the caller receives it. */
function failure(error: unknown, owner: Realm, caller: Realm): unknown {
  return types.isNativeError(error)
    ? rebuildError(error as Error, caller, owner)
    : transfer(error, owner, caller, "rpc");
}

/** A result from a realm that died meanwhile, or for a caller or execution that died, goes nowhere. */
function stillWanted(owner: Realm, caller: Realm, scope: Liveness | undefined): boolean {
  return owner.alive && caller.alive && (!scope || scope.alive);
}

function transferArgs(args: unknown[], from: Realm, to: Realm): unknown[] {
  return args.map((arg) => transfer(arg, from, to, "rpc"));
}

/**
 * Serialises call arguments on the caller's side: a value that cannot be sent fails the call with the caller's own
 * error (its name kept, as workerd's DataCloneError is), before anything reaches the callee.
 */
export function sendArgs(
  args: unknown[],
  caller: Realm,
  owner: Realm,
): { ok: true; args: unknown[] } | { ok: false; error: Promise<never> } {
  try {
    return { ok: true, args: transferArgs(args, caller, owner) };
  } catch (error) {
    return {
      ok: false,
      error: Promise.reject(types.isNativeError(error) ? rebuildError(error as Error, caller) : error),
    };
  }
}

connectStubs({ invoke, sendArgs });
