/**
 * Every target by name, in one place: the CLI, the configuration and the reports take their names from here.
 * Targets are imported when chosen: miniflare alone takes seconds to load, and the remote target never needs it.
 */
import type { SubjectDescription } from "../contract/subject.ts";
import type { Target } from "../contract/target.ts";

export interface TargetSettings {
  /** The subject (local targets): its wrangler file's topology and its adapter. Default: `dispatcherPath` in the
   * reference topology. */
  subject?: SubjectDescription;
  /** The dispatcher entry to run (local targets), when no `subject` is given. */
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
  "emulator-production": async (settings) =>
    new (await import("./emulator-target.ts")).EmulatorTarget("production", localOptions(settings)),
  "emulator-local": async (settings) =>
    new (await import("./emulator-target.ts")).EmulatorTarget("local", localOptions(settings)),
  workerd: async (settings) => new (await import("./workerd-target.ts")).WorkerdTarget(localOptions(settings)),
  // A deployment runs whatever is deployed: `dispatcherPath` does not apply (README "Remote target").
  remote: async ({ url, token }) => new (await import("./remote-target.ts")).RemoteTarget({ url, token }),
};

/** A subject carries its own compatibility date (its wrangler file's); without one, the settings' applies. */
function localOptions({ subject, dispatcherPath, compatibilityDate }: TargetSettings) {
  return subject ? { subject } : { dispatcherPath, compatibilityDate };
}

export type TargetName = keyof typeof TARGETS;

export function isTargetName(name: string): name is TargetName {
  return Object.hasOwn(TARGETS, name);
}
