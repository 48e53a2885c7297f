/**
 * The loader-cache check (suites/properties/loader-cache.ts): getCode for a named id runs again only after an
 * eviction, a crash or a failed load; a second getCode for a warm id is a violation.
 */
import { describe, expect, it } from "vitest";
import type { Traced } from "../../../contract/emulator-surface.ts";
import { loaderCache } from "../../../suites/properties/loader-cache.ts";

let seq = 0;
const at = (event: Record<string, unknown>) => ({ ...event, seq: seq++, time: 0 }) as unknown as Traced;
const getCode = (id: string, ok = true) =>
  at({ type: "loader.getCode", binding: "LOADER", id, isolate: ok ? `${id}#1` : "", ok });

describe("loader cache", () => {
  it("a second getCode for a warm id is a violation", () => {
    expect(loaderCache([getCode("tenant:acme"), getCode("tenant:acme")])).toEqual([
      'loader: getCode ran again for the warm id "tenant:acme" (no eviction, crash or failed load since its last load)',
    ]);
  });

  it("after an eviction, a crash or a failed load getCode runs again legitimately; other ids are independent", () => {
    const evicted = at({ type: "loader.evict", binding: "LOADER", ids: ["tenant:acme"], reason: "explicit" });
    expect(loaderCache([getCode("tenant:acme"), evicted, getCode("tenant:acme")])).toEqual([]);
    expect(loaderCache([getCode("tenant:acme"), at({ type: "fault", kind: "crash" }), getCode("tenant:acme")])).toEqual(
      [],
    );
    expect(loaderCache([getCode("tenant:acme", false), getCode("tenant:acme")])).toEqual([]);
    expect(loaderCache([getCode("tenant:acme"), getCode("tenant:globex")])).toEqual([]);
  });
});
