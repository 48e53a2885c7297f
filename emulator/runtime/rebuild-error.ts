/**
 * How an error crosses from one realm to another: rebuilt with the receiving realm's constructors (so `instanceof`
 * works there), keeping its message and, lazily, its original stack; across RPC its name follows workerd's
 * `enhanced_error_serialization` rules.
 */
import type { Realm } from "./realm.ts";

const BUILT_IN_ERRORS = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
]);

/**
 * Rebuilds an error in `to`, keeping message and stack. `sender` is the realm that serialised it across RPC; without
 * one (not RPC) the name is kept. Across RPC, as observed on workerd (miniflare 4.20260730) for every combination of
 * `enhanced_error_serialization` (the default from 2026-04-21):
 *
 * | sender   | receiver | arrives as              |
 * |----------|----------|-------------------------|
 * | any      | legacy   | `Error`, "Name: message" |
 * | legacy   | enhanced | `Error`, "message"       |
 * | enhanced | enhanced | `Name`, "message"        |
 *
 * Built-in error types keep their names everywhere, and so does `DataCloneError` (a DOMException in workerd).
 */
export function rebuildError(error: Error, to: Realm, sender?: Realm): Error {
  let name = String(error.name ?? "Error");
  let message = String(error.message ?? "");
  if (sender && !BUILT_IN_ERRORS.has(name) && name !== "DataCloneError") {
    if (!to.preservesErrorNames) {
      message = message === "" ? name : `${name}: ${message}`;
      name = "Error";
    } else if (!sender.preservesErrorNames) {
      name = "Error";
    }
  }
  const Ctor = (to.intrinsics.byName[name] as ErrorConstructor | undefined) ?? to.intrinsics.Error;
  const rebuilt = withoutOwnFrames(to, () => new Ctor(message));
  if (rebuilt.name !== name)
    Object.defineProperty(rebuilt, "name", { value: name, writable: true, configurable: true });
  pendingStacks.set(rebuilt, error);
  Object.defineProperty(rebuilt, "stack", LAZY_STACK);
  return rebuilt;
}

/**
 * Builds an error whose own stack frames are not captured: the rebuilt error shows the original's stack instead, and
 * V8 formats the frames it captured when `stack` is redefined (with source maps on, that showed as ~3% of a fuzz
 * run). `Error.stackTraceLimit` of the realm that builds the error is set to 0 for the call and restored; if worker
 * code made it unwritable, the frames are captured as before.
 */
function withoutOwnFrames(realm: Realm, build: () => Error): Error {
  const ErrorCtor = realm.intrinsics.Error as unknown as { stackTraceLimit?: number };
  const had = Object.hasOwn(ErrorCtor, "stackTraceLimit");
  const limit = ErrorCtor.stackTraceLimit;
  try {
    ErrorCtor.stackTraceLimit = 0;
  } catch {
    return build();
  }
  try {
    return build();
  } finally {
    if (had) ErrorCtor.stackTraceLimit = limit;
    else delete ErrorCtor.stackTraceLimit;
  }
}

/**
 * A rebuilt error shows the original's stack, read the first time someone asks. Formatting a stack is the costly
 * part of an error (with source maps on, as under tsx, every frame is mapped: ~5% of a fuzz run when done eagerly),
 * and most errors that cross realms (planned step failures, retries) are never printed. One shared accessor pair
 * and a WeakMap, not closures per error.
 */
const pendingStacks = new WeakMap<object, Error>();
const LAZY_STACK: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: Error) {
    const original = pendingStacks.get(this);
    pendingStacks.delete(this);
    const stack = original?.stack;
    // An original without a string stack (replaced by its code) leaves the rebuilt error's own header.
    const value = typeof stack === "string" ? stack : `${this.name}: ${this.message}`;
    Object.defineProperty(this, "stack", { value, writable: true, configurable: true });
    return value;
  },
  set(this: Error, value: unknown) {
    pendingStacks.delete(this);
    Object.defineProperty(this, "stack", { value, writable: true, configurable: true });
  },
};
