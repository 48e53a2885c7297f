/**
 * WL-02/WL-19: tenant code that does not parse fails its load as workerd words it. workerd (miniflare 4.20260730)
 * answers `export default { fetch( {` with `Error` "Failed to start Worker:\nUncaught SyntaxError: Unexpected end of
 * input\n  at index.js:1:25"; the emulator gives the same shape — an Error whose message says SyntaxError and where —
 * with esbuild's description of the problem, so a dispatcher that shows only `error.message` names it either way.
 */
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Emulator } from "../../../emulator/index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dwc-start-failure-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const DISPATCHER = `export default { async fetch(request, env) {
  const worker = env.LOADER.get("broken", () => ({
    compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": "export default { fetch( {" },
  }));
  try {
    return await worker.getEntrypoint().fetch(request);
  } catch (error) {
    return Response.json({ name: error.name, message: error.message });
  }
} };`;

describe("a tenant module with a syntax error (WL-02, WL-19)", () => {
  it('fails the load with workerd\'s shape: Error "Failed to start Worker:\\nUncaught SyntaxError: …\\n  at index.js:L:C"', async () => {
    const script = join(dir, "dispatcher.js");
    writeFileSync(script, DISPATCHER);
    const emulator = new Emulator({
      scriptPath: script,
      modules: true,
      compatibilityDate: "2026-01-01",
      workerLoaders: { LOADER: {} },
      log: false,
    });
    try {
      const body = (await (await emulator.dispatchFetch("http://dispatcher/")).json()) as Record<string, string>;
      expect(body.name).toBe("Error");
      expect(body.message).toMatch(/^Failed to start Worker:\nUncaught SyntaxError: .+\n {2}at index\.js:1:\d+$/);
    } finally {
      await emulator.dispose();
    }
  });
});
