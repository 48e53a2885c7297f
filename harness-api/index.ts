/**
 * `dynamic-workflows-conformance/harness-api`: the harness control API as a wrapper for your own dispatcher, to
 * deploy it where `dwc run --target remote` and `dwc compare --target remote` can reach it (docs/remote.md).
 * Worker code: imports nothing from Node.
 */
export { HARNESS_API_VERSION, HARNESS_PREFIX, type HarnessApiOptions, withHarnessApi } from "./with-harness-api.ts";
export type { TenantRoute } from "./tenant-route.ts";
