/**
 * Every target by name, in one place: the CLI, the configuration and the reports take their names from here.
 * Targets are imported when chosen: miniflare alone takes seconds to load, and the remote target never needs it.
 */
import type { Target } from "../contract/target.ts";

export interface TargetSettings {
  /** The dispatcher entry to run (local targets). */
  dispatcherPath: string;
  compatibilityDate: string;
  /** Remote target: the deployment's URL and harness token. */
  url?: string;
  token?: string;
}

/** The targets that run on this machine (the default set). */
export const LOCAL_TARGETS = ["emulator-production", "emulator-local", "workerd"] as const;
export type LocalTargetName = (typeof LOCAL_TARGETS)[number];

export const TARGETS: Record<LocalTargetName | "remote", (settings: TargetSettings) => Promise<Target>> = {
  "emulator-production": async ({ dispatcherPath, compatibilityDate }) =>
    new (await import("./emulator-target.ts")).EmulatorTarget("production", { dispatcherPath, compatibilityDate }),
  "emulator-local": async ({ dispatcherPath, compatibilityDate }) =>
    new (await import("./emulator-target.ts")).EmulatorTarget("local", { dispatcherPath, compatibilityDate }),
  workerd: async ({ dispatcherPath, compatibilityDate }) =>
    new (await import("./workerd-target.ts")).WorkerdTarget({ dispatcherPath, compatibilityDate }),
  // A deployment runs whatever is deployed: `dispatcherPath` does not apply (README "Remote target").
  remote: async ({ url, token }) => new (await import("./remote-target.ts")).RemoteTarget({ url, token }),
};

export type TargetName = keyof typeof TARGETS;

export function isTargetName(name: string): name is TargetName {
  return Object.hasOwn(TARGETS, name);
}
