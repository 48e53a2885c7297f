/**
 * The emulator in 30 lines: the reference dispatcher (real @cloudflare/dynamic-workflows) with two probe tenants,
 * a 30-day sleep, an eviction and a crash — in virtual time. Run: npx tsx examples/emulator-quick-start.ts
 */
import { Emulator } from "../emulator/index.ts";
import { emulatorTopology } from "../targets/topology.ts";
import { TenantRegistry } from "../contract/tenant-registry.ts";

const tenants = TenantRegistry.probes(["acme", "globex"]);
const emulator = new Emulator(emulatorTopology(tenants)); // Miniflare-shaped options + profile/clock
await emulator.ready;

const plan = [{ do: "charge" }, { sleep: "grace-period", duration: "30 days" }, { do: "renew" }];
const ids: Record<string, string> = {};
for (const tenant of ["acme", "globex"]) {
  // The tenant creates the instance through its wrapped binding, exactly as in production.
  const response = await emulator.dispatchFetch("http://dispatcher/workflows", {
    method: "POST",
    headers: { "x-tenant-id": tenant },
    body: JSON.stringify({ params: { plan } }),
  });
  ids[tenant] = ((await response.json()) as { id: string }).id;
}

await emulator.time.advance(86_400_000); // one day into the 30-day sleep
emulator.evict(); // drop every tenant isolate
emulator.crash("afterStepCallback", { step: "renew" }); // crash after renew's side effect, before its commit
const started = performance.now();
await emulator.runUntilIdle();
const wallMs = performance.now() - started;

for (const [tenant, id] of Object.entries(ids)) {
  const response = await emulator.dispatchFetch(`http://dispatcher/workflows/${id}`, {
    headers: { "x-tenant-id": tenant },
  });
  const { status, output } = (await response.json()) as {
    status: string;
    output: { markers: Array<Record<string, unknown>> };
  };
  console.log(
    tenant,
    status,
    output.markers.map((m) => `${m.step}: ran ${m.tenant}'s code, attempt ${m.attempt}`).join("; "),
  );
}
const attempts = emulator.trace().filter((e) => e.type === "step.attempt" && e.step === "renew").length;
console.log(`renew attempts across both instances: ${attempts} (one re-run after the crash)`);
console.log(
  `virtual time passed: ${((emulator.time.now() - Date.UTC(2026, 0, 1)) / 86_400_000).toFixed(1)} days; wall time: ${wallMs.toFixed(0)} ms`,
);
await emulator.dispose();
