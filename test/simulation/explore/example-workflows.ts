/** The shipped example workflows (examples/explore-workflows/) as explore requests' workflows, for the tests. */
import { readFileSync } from "node:fs";
import type { ExploreInput, ExploreWorkflow } from "../../../simulation/explore/explore-result.ts";

const ROOT = new URL("../../../examples/explore-workflows/", import.meta.url);

export function tenantCode(source: string, codeVersion = "v1"): ExploreWorkflow["code"] {
  return { codeVersion, compatibilityDate: "2026-01-01", mainModule: "index.js", modules: { "index.js": source } };
}

export function exampleWorkflow(folder: string, className: string, inputs: ExploreInput[]): ExploreWorkflow {
  const source = readFileSync(new URL(`${folder}/index.js`, ROOT), "utf8");
  return { name: folder, tenant: "acme", className, code: tenantCode(source), inputs };
}

export const ORDER_INPUT: ExploreInput = {
  name: "approved",
  params: { orderId: "o-17", amount: 42 },
  events: [{ type: "approval", payload: { by: "ann" }, atMs: 2 * 3_600_000 }],
};

export const EXAMPLES = {
  safe: () => exampleWorkflow("replay-safe", "OrderWorkflow", [ORDER_INPUT]),
  date: () =>
    exampleWorkflow("step-name-from-date", "DateNamedWorkflow", [{ name: "default", params: {}, events: [] }]),
  random: () =>
    exampleWorkflow("branch-on-random", "RandomBranchWorkflow", [{ name: "default", params: {}, events: [] }]),
  counter: () =>
    exampleWorkflow("module-counter", "ModuleCounterWorkflow", [{ name: "default", params: {}, events: [] }]),
  sideEffect: () =>
    exampleWorkflow("side-effect-outside-step", "SideEffectWorkflow", [
      { name: "default", params: { userId: "u-1" }, events: [] },
    ]),
};
