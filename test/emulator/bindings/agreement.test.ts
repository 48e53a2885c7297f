/**
 * Emulator vs miniflare on the same calls: agreement-worker.js runs 71 KV, R2 and Durable Object calls (results,
 * errors, limits, paging, storage, alarms) once on miniflare 4 (workerd with its local KV/R2/DO services) and once on
 * the emulator; each call's outcome must be the same. Miniflare is a dev dependency, started as test/targets does.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { describe, expect, it } from "vitest";
import { Emulator } from "../../../emulator/index.ts";

const script = readFileSync(fileURLToPath(new URL("./agreement-worker.js", import.meta.url)), "utf8");
const topology = {
  modules: true,
  script,
  compatibilityDate: "2026-01-28",
  kvNamespaces: ["KV"],
  r2Buckets: ["R2"],
  durableObjects: { COUNTER: "Counter", REMINDER: "Reminder" },
};

async function outcomes(runtime: {
  dispatchFetch(url: string): Promise<{ json(): Promise<unknown> }>;
  dispose(): Promise<void>;
}): Promise<Record<string, unknown>> {
  try {
    return (await (await runtime.dispatchFetch("http://localhost/")).json()) as Record<string, unknown>;
  } finally {
    await runtime.dispose();
  }
}

describe("KV, R2 and Durable Objects: the emulator agrees with miniflare on the same calls", () => {
  it("every call of agreement-worker.js has the same outcome on both", { timeout: 60_000 }, async () => {
    const onMiniflare = await outcomes(new Miniflare(topology) as never);
    const onEmulator = await outcomes(new Emulator({ ...topology, log: false }) as never);
    const calls = Object.keys(onMiniflare);
    const differing = calls.filter((call) => JSON.stringify(onMiniflare[call]) !== JSON.stringify(onEmulator[call]));
    const errors = calls.filter((call) => String(onMiniflare[call]).startsWith("ERR "));
    console.log(
      `agreement: ${calls.length} calls (${errors.length} of them errors), ${calls.length - differing.length} equal, ` +
        `${differing.length} different${differing.length > 0 ? `: ${differing.join(", ")}` : ""}`,
    );
    expect(calls.length).toBeGreaterThanOrEqual(70); // the worker ran its whole list on miniflare
    expect(Object.keys(onEmulator)).toEqual(calls);
    for (const call of calls) expect({ call, outcome: onEmulator[call] }).toEqual({ call, outcome: onMiniflare[call] });
  });
});
