/**
 * Errors as the engine keeps them: `{name, message}` (ErrorShape), the only part of an error that survives storage
 * and RPC. Thrown errors are reduced to it, cached step errors are stored in it, and a replay throws it again.
 */
import { types } from "node:util";
import type { Profile } from "../profiles.ts";
import type { ErrorShape } from "./instance-record.ts";

/** The error types V8's serializer writes a tag for; any other name is read back as `Error`. */
const SERIALIZABLE_ERROR_NAMES = new Set([
  "Error",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
]);

/** `{name, message}` of anything thrown; a non-Error value `x` becomes `{name: "Error", message: String(x)}` (LE-08). */
export function errorShape(error: unknown): ErrorShape {
  if (types.isNativeError(error) || (typeof error === "object" && error !== null && "message" in error)) {
    const e = error as { name?: unknown; message?: unknown };
    return { name: String(e.name ?? "Error"), message: String(e.message ?? "") };
  }
  return { name: "Error", message: String(error) };
}

/** Rebuilds a cached error as a host Error that keeps its name. */
export function toError(shape: ErrorShape): Error {
  const error = new Error(shape.message);
  if (shape.name !== "Error")
    Object.defineProperty(error, "name", { value: shape.name, writable: true, configurable: true });
  return error;
}

/**
 * The form in which a step's error is cached, i.e. what a replay throws. The local engine stores the Error object
 * with V8 serialization, which keeps the message but only the built-in names (profile `storedStepErrorsKeepName`).
 * Errors thrown by the tenant already arrive in the engine as `Error` ("Name: message") across RPC, so in practice
 * this changes the engine's own errors, such as WorkflowTimeoutError.
 */
export function storedStepError(error: ErrorShape, profile: Profile): ErrorShape {
  if (profile.storedStepErrorsKeepName || SERIALIZABLE_ERROR_NAMES.has(error.name)) return error;
  return { name: "Error", message: error.message };
}
