/** Public surface of the emulator (package export `./emulator`). See README "Emulator API". */
export {
  Emulator,
  type EmulatorOptions,
  type InstanceSnapshot,
  type ModuleDefinition,
  type RunUntilIdleOptions,
  type WorkflowOptions,
} from "./emulator.ts";
export { UNSUPPORTED_BINDING_OPTIONS } from "./bindings/binding-options.ts";
export type { KvBinding } from "./bindings/kv-binding.ts";
export type { R2Binding } from "./bindings/r2-binding.ts";
export type { InstanceStatus, Workflow, WorkflowInstance, WorkflowInstanceCreateOptions } from "./workflow-types.ts";
export { CRASH_POINTS, type CrashFilter, type CrashPoint } from "./faults.ts";
export { PRODUCTION, LOCAL, PROFILES, type Profile, type ProfileName } from "./profiles.ts";
export type { TraceEvent, Traced } from "./trace.ts";
export { isLegalTransition, isTerminal, type InstanceStatusName } from "./engine/status.ts";
export { PAUSE_ABORT_MESSAGE } from "./engine/execution.ts";
export { type CpuMeter, scriptedCpuMeter } from "./engine/cpu-meter.ts";
export type { ProductionLimitOptions } from "./engine/production-limits.ts";
