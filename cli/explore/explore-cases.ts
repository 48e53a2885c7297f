/**
 * Which workflow × input cases a `dwc explore` run hands the engine: the config's workflows, narrowed by
 * `--workflow` / `--input`, then this `--shard`'s contiguous share of the remaining cases (cli/shard.ts), each
 * workflow's code bundled (tenant-code.ts). The CLI shards and filters itself (the engine gets no `shard`), so a
 * case's replay line (`--workflow w --input i --path p`) selects the very case a shard ran.
 *
 * A workflow whose code does not build or lacks its class cannot be explored; its cases become `error` results
 * naming the workflow, the input and the fix, and the rest of the exploration goes on.
 */
import type { ExploreCaseResult, ExploreWorkflow } from "../../simulation/explore/explore-result.ts";
import { UsageError } from "../commands/command.ts";
import type { ExploreConfig } from "../config/read-explore.ts";
import { type Shard, shardRange } from "../shard.ts";
import { tenantCode } from "./tenant-code.ts";

export interface ExploreSelection {
  workflow?: string;
  input?: string;
  shard?: Shard;
}

export interface PreparedCases {
  /** What the engine explores: bundled workflows with this run's inputs. */
  workflows: ExploreWorkflow[];
  /** Cases that could not be prepared (their code did not bundle): reported as they are. */
  errors: ExploreCaseResult[];
  /** How many cases this run owns, of how many the filters left. */
  owned: number;
  selected: number;
}

/** The cases `selection` picks, in config order; an unknown --workflow / --input is a usage error listing the names. */
export function selectCases(config: ExploreConfig, selection: ExploreSelection): { workflow: string; input: string }[] {
  const workflows = config.workflows.filter((w) => selection.workflow === undefined || w.name === selection.workflow);
  if (workflows.length === 0)
    throw new UsageError(
      `--workflow ${selection.workflow}: no such workflow in the explore section (known: ${config.workflows.map((w) => w.name).join(", ")})`,
      false,
    );
  const cases = workflows.flatMap((w) =>
    w.inputs
      .filter((i) => selection.input === undefined || i.name === selection.input)
      .map((i) => ({ workflow: w.name, input: i.name })),
  );
  if (cases.length === 0)
    throw new UsageError(
      `--input ${selection.input}: no such input of ${workflows.map((w) => `${w.name} (inputs: ${w.inputs.map((i) => i.name).join(", ")})`).join("; ")}`,
      false,
    );
  return cases;
}

export async function prepareCases(
  config: ExploreConfig,
  selection: ExploreSelection,
  compatibilityDate: string,
  context: { seed: number; replayPrefix: string },
): Promise<PreparedCases> {
  const selected = selectCases(config, selection);
  const { start, end } = shardRange(selection.shard, selected.length);
  const owned = new Set(selected.slice(start, end).map((c) => `${c.workflow}\n${c.input}`));
  const workflows: ExploreWorkflow[] = [];
  const errors: ExploreCaseResult[] = [];
  for (const w of config.workflows) {
    const inputs = w.inputs.filter((i) => owned.has(`${w.name}\n${i.name}`));
    if (inputs.length === 0) continue;
    const code = await tenantCode(w.code, w.codeShown, w.className, compatibilityDate);
    if (code.ok) workflows.push({ name: w.name, tenant: w.tenant, code: code.bundle, className: w.className, inputs });
    else
      for (const input of inputs)
        errors.push(
          errorCase(w.name, input.name, w.tenant, `${w.name} / ${input.name}: ${code.problem}`, {
            seed: context.seed,
            replayCommand: `${context.replayPrefix} --workflow ${w.name} --input ${input.name}`,
          }),
        );
  }
  return { workflows, errors, owned: owned.size, selected: selected.length };
}

/** A case that could not be explored at all: an `error` verdict with one finding saying why. */
export function errorCase(
  workflow: string,
  input: string,
  tenant: string,
  message: string,
  context: { seed: number; replayCommand: string },
): ExploreCaseResult {
  return {
    workflow,
    input,
    tenant,
    verdict: "error",
    faultFree: { status: "not run", steps: [] },
    coverage: [],
    random: { runs: 0, seed: context.seed },
    findings: [
      {
        kind: "error",
        message,
        schedule: { origin: "fault-free", faults: [] },
        scheduleText: "before any run",
        replayCommand: context.replayCommand,
      },
    ],
    atLeastOnce: [],
    exercised: { schedules: 0, instances: 0, lifetimes: 0, stepAttempts: 0, faultsInjected: 0, faultsEffective: 0 },
    durationMs: 0,
  };
}
