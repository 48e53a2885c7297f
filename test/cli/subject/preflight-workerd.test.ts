/**
 * The same subjects on workerd, whose miniflare has every binding: the path-routed dispatcher (its own wrangler.jsonc,
 * names and compatibility) and the KV-backed one, whose tenant code the harness writes through miniflare's KV
 * binding under the adapter's key templates. Every preflight step passes; the KV subject's versions are really there.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../cli/config/load-config.ts";
import { preflight } from "../../../cli/preflight.ts";
import { subjectFor } from "../../../cli/subject.ts";
import { probeTenant, TenantRegistry } from "../../../contract/tenant-registry.ts";
import { WorkerdTarget } from "../../../targets/workerd-target.ts";
import { ROOT } from "../../support/run-cli.ts";

const subjectOf = (name: string) => subjectFor(loadConfig(join(ROOT, `fixtures/subjects/${name}/dwc.config.json`)));

describe("the preflight on workerd", () => {
  for (const name of ["path-routed", "kv-pinned"]) {
    it(`passes every step for fixtures/subjects/${name}`, async () => {
      const subject = subjectOf(name);
      const steps = await preflight(new WorkerdTarget({ subject }), subject);
      expect(steps.map((s) => `${s.step} ${s.ok ? "ok" : `FAIL ${s.summary} ${s.got ?? ""}`}`)).toEqual([
        "exports ok",
        "bindings ok",
        "deploy ok",
        "route ok",
        "create ok",
        "metadata ok",
      ]);
    });
  }

  it("writes KV deploys under the adapter's keys, through miniflare's own KV binding", async () => {
    const subject = subjectOf("kv-pinned");
    const tenants = TenantRegistry.probes(["acme"]);
    const t = await new WorkerdTarget({ subject }).start(tenants);
    try {
      tenants.set("acme", probeTenant("acme", "v2"));
      // A request waits for the deploys so far; then the dispatcher reads the latest pointer.
      const state = await t.request("acme", "/state");
      expect(state).toMatchObject({ status: 200, body: { tenant: "acme", codeVersion: "v2" } });
    } finally {
      await t.dispose();
    }
  });
});
