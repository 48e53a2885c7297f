/** The contract: what cases, runners and targets agree on. Depends on the emulator's public types only. */
export * from "./capabilities.ts";
export * from "./case.ts";
export * from "./emulator-surface.ts";
export * from "./target.ts";
export * from "./tenant-registry.ts";
export * from "./subject.ts";
