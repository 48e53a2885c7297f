/** Every conformance case, by suite. */
import { badInputCases } from "./bad-input/cases.ts";
import type { ConformanceCase } from "../contract/case.ts";
import { eventCases } from "./events/cases.ts";
import { bindingReachCases } from "./isolation/binding-reach.ts";
import { isolationCases } from "./isolation/cases.ts";
import { bindingLifecycleCases } from "./lifecycle/binding-cases.ts";
import { lifecycleCases } from "./lifecycle/cases.ts";
import { libraryOptionCases } from "./lifecycle/library-options.ts";
import { routingCases } from "./routing/cases.ts";
import { interleavingCases } from "./routing/interleaving.ts";
import { stepCases } from "./steps/cases.ts";
import { streamAndSensitiveCases, streamOverRpcCases } from "./steps/stream-and-sensitive-cases.ts";

export const SUITES: Record<string, readonly ConformanceCase[]> = {
  routing: [...routingCases, ...interleavingCases],
  steps: [...stepCases, ...streamAndSensitiveCases, ...streamOverRpcCases],
  events: eventCases,
  lifecycle: [...lifecycleCases, ...bindingLifecycleCases, ...libraryOptionCases],
  isolation: [...isolationCases, ...bindingReachCases],
  "bad-input": badInputCases,
};

export const ALL_CASES: readonly ConformanceCase[] = Object.values(SUITES).flat();
