import { EmulatorTarget } from "../../../targets/emulator-target.ts";
import { defineConformance } from "./define-conformance.ts";

defineConformance(new EmulatorTarget("production"));
defineConformance(new EmulatorTarget("local"));
