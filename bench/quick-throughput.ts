/**
 * Quick throughput figure: N instances of a 2-step dynamic workflow (no sleep) split over 2 tenants, through the
 * reference dispatcher and the real library, created from the host side, run to completion in virtual time.
 * Usage: tsx bench/quick-throughput.ts [instances]
 */
import { Emulator } from "../emulator/index.ts";
import { referenceEmulatorOptions } from "../fixtures/reference.ts";
import { TenantRegistry } from "../fixtures/tenants/registry.ts";

const count = Number(process.argv[2] ?? 1000);
const tenants = TenantRegistry.probes(["acme", "globex"]);
const emulator = new Emulator(referenceEmulatorOptions(tenants, { trace: false }));
await emulator.ready;
const bindings = await emulator.getBindings<{ WORKFLOWS: { create(o: unknown): Promise<{ id: string; status(): Promise<any> }> } }>();
const plan = [{ do: "one" }, { do: "two" }];
const start = performance.now();
const handles = await Promise.all(
  Array.from({ length: count }, (_, i) =>
    bindings.WORKFLOWS.create({ params: { __dispatcherMetadata: { tenantId: i % 2 ? "acme" : "globex" }, params: { plan } } }),
  ),
);
await emulator.runUntilIdle();
const ms = performance.now() - start;
const statuses = await Promise.all(handles.map((h) => h.status()));
const complete = statuses.filter((s) => s.status === "complete").length;
console.log(`${complete}/${count} complete in ${ms.toFixed(0)} ms: ${((complete / ms) * 1000).toFixed(0)} instances/s (2 steps each, real library, virtual time)`);
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
