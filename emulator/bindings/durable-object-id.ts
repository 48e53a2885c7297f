/**
 * A Durable Object's id: 64 hex digits; ids made by `idFromName` also carry the name. Same name, same namespace →
 * same id, always (a hash), so an object's storage is found again after a crash. A host object shared by every realm,
 * as the runtime's id objects are opaque handles. Spec: https://developers.cloudflare.com/durable-objects/api/id/
 */
import { createHash } from "node:crypto";

const HEX_ID = /^[0-9a-f]{64}$/;

export class DurableObjectId {
  constructor(
    private readonly hex: string,
    readonly name?: string,
  ) {}

  toString(): string {
    return this.hex;
  }

  equals(other: unknown): boolean {
    return other instanceof DurableObjectId && other.hex === this.hex;
  }

  static fromName(namespace: string, name: string): DurableObjectId {
    return new DurableObjectId(createHash("sha256").update(`${namespace}\u0000${name}`).digest("hex"), name);
  }

  /** workerd's check and wording (miniflare 4). */
  static fromString(hex: unknown): DurableObjectId {
    if (typeof hex !== "string" || !HEX_ID.test(hex))
      throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
    return new DurableObjectId(hex);
  }
}
