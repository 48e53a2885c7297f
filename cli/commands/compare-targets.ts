/**
 * The two sides of `dwc compare`: the emulator, and the real side — local workerd (default), or a deployment through
 * the remote target (`--target remote --url … --token …`, docs/remote.md). Against workerd the emulator runs the
 * local profile (workerd runs the local engine); against a deployment the production profile, or `--profile local`
 * for a stand-in that runs the local engine (`wrangler dev`, miniflare on loopback). Scenarios are generated for
 * what the real side can do (its capabilities), so both sides get the same ones.
 */
import type { ProfileName } from "../../contract/emulator-surface.ts";
import type { SubjectDescription } from "../../contract/subject.ts";
import type { Target } from "../../contract/target.ts";
import { EmulatorTarget } from "../../targets/emulator-target.ts";
import { type RemoteCleanup, RemoteTarget } from "../../targets/remote-target.ts";
import { type HarnessConfig, type RemoteTargetConfig, remoteToken } from "../config/load-config.ts";
import { UsageError } from "./command.ts";
import { wholeNumber } from "./options.ts";

/** The options `dwc compare` parses for this (parseArgs `options` entries). */
export const COMPARE_TARGET_OPTIONS = {
  target: { type: "string" },
  url: { type: "string" },
  token: { type: "string" },
  budget: { type: "string" },
  profile: { type: "string" },
} as const;

export const COMPARE_TARGET_HELP = `  --target <t>       what to compare the emulator with: workerd (default), or remote (a deployment: docs/remote.md)
  --url <url>        remote: the deployed dispatcher's URL (or the config's remote target, or env DWC_REMOTE_URL)
  --token <token>    remote: its harness secret (or the config's remote target, or env DWC_REMOTE_TOKEN)
  --budget <s>       remote: the most one scenario may take on the deployment (default 120)
  --profile <p>      remote: the profile the deployment shows, production (default) or local (a wrangler dev or
                     miniflare stand-in); the emulator runs the same one`;

export const DEFAULT_REMOTE_BUDGET_S = 120;

type Values = { [K in keyof typeof COMPARE_TARGET_OPTIONS]?: string };

export interface CompareSides {
  emulator: EmulatorTarget;
  /** The real side: workerd, or the remote target. Its capabilities decide the scenarios. */
  real: Target;
  /** Replay arguments that select the real side (never the token). */
  targetArgs: string[];
  /** What the remote target cleaned up on the deployment (instances left live), for the closing lines. */
  cleanups: string[];
  /** What the last scenario's clean-up found (remote only): printed when a run stops. */
  lastCleanup?: RemoteCleanup;
}

export async function compareSides(
  values: Values,
  config: HarnessConfig,
  subject: SubjectDescription,
): Promise<CompareSides> {
  const target = values.target ?? "workerd";
  if (target !== "workerd" && target !== "remote")
    throw new UsageError(`--target must be workerd or remote, got "${target}"`);
  if (target === "workerd") {
    for (const flag of ["url", "token", "budget"] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --target remote only`);
    if (values.profile !== undefined && values.profile !== "local")
      throw new UsageError(`--profile: workerd runs the local engine, so the comparison with it is local only`);
    const { WorkerdTarget } = await import("../../targets/workerd-target.ts");
    return {
      emulator: new EmulatorTarget("local", { subject }),
      real: new WorkerdTarget({ subject }),
      targetArgs: [],
      cleanups: [],
    };
  }
  const profile = (values.profile ?? "production") as ProfileName;
  if (profile !== "production" && profile !== "local")
    throw new UsageError(`--profile must be production or local, got "${values.profile}"`);
  const budgetS = wholeNumber("budget", values.budget, DEFAULT_REMOTE_BUDGET_S, 1);
  const configRemote = config.targets.find((t): t is RemoteTargetConfig => typeof t !== "string");
  const url = values.url ?? configRemote?.remote.url ?? process.env.DWC_REMOTE_URL;
  const token = values.token ?? (configRemote ? remoteToken(configRemote) : undefined) ?? process.env.DWC_REMOTE_TOKEN;
  const emulator = new EmulatorTarget(profile, { subject });
  const sides = { emulator, targetArgs: [] as string[], cleanups: [] as string[] } as CompareSides;
  let real: RemoteTarget;
  try {
    real = new RemoteTarget({
      url,
      token,
      profile: emulator.profile,
      budget: { ms: budgetS * 1000, per: "per scenario", raise: "--budget <seconds>" },
      onCleanup: (cleanup) => {
        sides.lastCleanup = cleanup;
        sides.cleanups.push(...cleanup.notes);
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  sides.real = real;
  sides.targetArgs = [
    "--target",
    "remote",
    "--url",
    real.endpoint,
    ...(profile !== "production" ? ["--profile", profile] : []),
    ...(budgetS !== DEFAULT_REMOTE_BUDGET_S ? ["--budget", String(budgetS)] : []),
  ];
  return sides;
}
