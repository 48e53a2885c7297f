/**
 * Which of the wrangler file's workflows the harness drives (targets/topology.ts workflowBindingOf): the one
 * adapter.workflow names (by name or binding), else the first; a name the file does not declare is refused with
 * what it does declare — before anything starts.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_ADAPTER, type SubjectDescription } from "../../contract/subject.ts";
import { SubjectError } from "../../targets/subject-error.ts";
import { referenceSubject, workflowBindingOf } from "../../targets/topology.ts";

const TWO: SubjectDescription = {
  ...referenceSubject(),
  wranglerFile: "/somewhere/wrangler.jsonc",
  workflows: [
    { name: "log-retention", binding: "RETENTION", className: "LogRetention", compatibilityFlags: [] },
    { name: "runs", binding: "RUNS", className: "RunWorkflow", compatibilityFlags: [] },
  ],
};
const driving = (workflow?: string) => workflowBindingOf({ ...TWO, adapter: { ...DEFAULT_ADAPTER, workflow } });

describe("workflowBindingOf", () => {
  it("the first workflow when the adapter names none; the named one by name or by binding", () => {
    expect(driving()).toBe("RETENTION");
    expect(driving("runs")).toBe("RUNS");
    expect(driving("RUNS")).toBe("RUNS");
  });

  it("an unknown name is a SubjectError listing the declared workflows, with the fix", () => {
    const error = (() => {
      try {
        driving("run");
      } catch (e) {
        return e as SubjectError;
      }
    })();
    expect(error).toBeInstanceOf(SubjectError);
    expect(error!.problem).toBe(
      'dwc.config.json: adapter.workflow: "run" is not a workflow of /somewhere/wrangler.jsonc (it declares: log-retention (binding RETENTION), runs (binding RUNS))',
    );
    expect(error!.fix).toContain("set adapter.workflow to the name or binding");
  });
});
