/**
 * The part of the emulator's public surface (emulator/index.ts) the layers above may use without running an
 * emulator: types, the status vocabulary, the crash points, the production-vs-local profiles. Suites, simulation
 * and the differential layer import these from here, never from emulator/, so the layer rule stays simple: only
 * targets (which run the emulator) and the CLI reach past the contract.
 */
export {
  CRASH_POINTS,
  isLegalTransition,
  isTerminal,
  LOCAL,
  PAUSE_ABORT_MESSAGE,
  PRODUCTION,
  PROFILES,
  type CrashFilter,
  type CrashPoint,
  type InstanceSnapshot,
  type InstanceStatusName,
  type Profile,
  type ProfileName,
  type TraceEvent,
  type Traced,
} from "../emulator/index.ts";
