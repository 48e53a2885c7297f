import { WorkerdTarget } from "../../../targets/workerd-target.ts";
import { defineConformance } from "./define-conformance.ts";

defineConformance(new WorkerdTarget());
