/**
 * The `explore` section of dwc.config.json (cli/config/read-explore.ts): what a valid one gives, and one line per
 * mistake naming the field path and the fix — unknown keys, bad or negative durations, missing code, a folder
 * without an entry module, duplicate names.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readDuration } from "../../../cli/config/duration.ts";
import { ConfigError, validateConfig } from "../../../cli/config/load-config.ts";

const FIXTURES = fileURLToPath(new URL("../../fixtures/explore/", import.meta.url));
const FILE = `${FIXTURES}dwc.config.json`;

const workflow = (extra: Record<string, unknown> = {}) => ({
  name: "greeting",
  tenant: "acme",
  code: "./greeting",
  className: "GreetingWorkflow",
  inputs: [{ name: "default", params: { name: "ada" } }],
  ...extra,
});

/** The problems (one per line, file name stripped) of `explore` as the whole config. */
function problemsOf(explore: unknown): string[] {
  try {
    validateConfig({ explore }, { file: FILE });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("the explore section", () => {
  it("reads workflows with absolute code paths, event times in ms, runFor, and the default runs", () => {
    const config = validateConfig(
      {
        explore: {
          workflows: [
            workflow({
              inputs: [
                {
                  name: "approved",
                  params: { id: 1 },
                  events: [
                    { type: "approval", payload: { ok: true }, at: "2 days" },
                    { type: "nudge", at: 1500 },
                  ],
                  runFor: "1 week",
                },
              ],
            }),
            workflow({ name: "counter", code: "./counter.bundle.js", className: "CounterWorkflow" }),
          ],
        },
      },
      { file: FILE },
    );
    expect(config.explore?.runs).toBe(50);
    const [greeting, counter] = config.explore!.workflows;
    expect(greeting.code).toBe(`${FIXTURES}greeting`);
    expect(counter.code).toBe(`${FIXTURES}counter.bundle.js`);
    expect(greeting.inputs[0]).toEqual({
      name: "approved",
      params: { id: 1 },
      events: [
        { type: "approval", payload: { ok: true }, atMs: 2 * 86_400_000 },
        { type: "nudge", payload: null, atMs: 1500 },
      ],
      runForMs: 7 * 86_400_000,
    });
    expect(counter.inputs[0]).toEqual({ name: "default", params: { name: "ada" }, events: [] });
  });

  it("is absent unless configured, and a known top-level key", () => {
    expect(validateConfig({}, { file: FILE }).explore).toBeUndefined();
    expect(validateConfig({ explore: { runs: 0, workflows: [workflow()] } }, { file: FILE }).explore?.runs).toBe(0);
  });

  it("names unknown keys at every level with the known ones", () => {
    expect(
      problemsOf({
        run: 5,
        workflows: [
          workflow({ klass: "X", inputs: [{ name: "a", param: {}, events: [{ type: "t", at: 0, when: 1 }] }] }),
        ],
      }),
    ).toEqual([
      "explore.run: unknown key (known: runs, workflows)",
      "explore.workflows[0].klass: unknown key (known: name, tenant, code, className, inputs)",
      "explore.workflows[0].inputs[0].param: unknown key (known: name, params, events, runFor)",
      "explore.workflows[0].inputs[0].events[0].when: unknown key (known: type, payload, at)",
    ]);
  });

  it("refuses bad and negative durations, saying how to write one", () => {
    expect(
      problemsOf({
        workflows: [
          workflow({
            inputs: [
              {
                name: "a",
                events: [
                  { type: "t", at: "2 fortnights" },
                  { type: "t", at: -5 },
                  { type: "t", at: "-1 hour" },
                  { type: "t" },
                ],
                runFor: 0,
              },
            ],
          }),
        ],
      }),
    ).toEqual([
      'explore.workflows[0].inputs[0].events[0].at: not a duration: "2 fortnights" (write "<number> <unit>", units millisecond(s)/ms, second(s), minute(s), hour(s), day(s), week(s))',
      "explore.workflows[0].inputs[0].events[1].at: is negative (-5 ms): a time after creation is 0 or more",
      'explore.workflows[0].inputs[0].events[2].at: is negative ("-1 hour"): a time after creation is 0 or more',
      'explore.workflows[0].inputs[0].events[3].at: required, when the event is sent after creation ("2 days", or milliseconds)',
      "explore.workflows[0].inputs[0].runFor: must be longer than 0 (how long a run may take)",
    ]);
  });

  it("names missing code, a file that is not a module, and a folder without an entry module", () => {
    expect(
      problemsOf({
        workflows: [
          workflow({ code: "./nowhere" }),
          workflow({ name: "b", code: "./dwc.config.json" }),
          workflow({ name: "c", code: "." }),
          workflow({ name: "d", code: undefined }),
        ],
      }),
    ).toEqual([
      "explore.workflows[0].code: not found: ./nowhere (paths resolve from the config file's folder)",
      "explore.workflows[1].code: ./dwc.config.json is not a JavaScript or TypeScript module (.js, .mjs, .ts)",
      "explore.workflows[2].code: the folder . has no entry module (looked for index.ts, index.js, index.mjs, src/index.ts, src/index.js, src/index.mjs): add one, or name the file itself",
      "explore.workflows[3].code: required, the tenant's code: a folder with an entry module (index.ts, index.js, …) or one bundled file, got nothing",
    ]);
  });

  it("requires names fit for the command line, unique; a tenant; a class name; at least one workflow and input", () => {
    expect(problemsOf({ workflows: [] })[0]).toMatch(/^explore\.workflows: must list at least one workflow, e\.g\./);
    expect(
      problemsOf({
        workflows: [
          workflow({ name: "my workflow", tenant: "", className: "not-a-class", inputs: [] }),
          workflow(),
          workflow({ name: "greeting", inputs: [{ name: "x" }, { name: "x" }] }),
        ],
      }),
    ).toEqual([
      'explore.workflows[0].name: required, letters, digits, ".", "_" or "-" (it is typed in --workflow / --input), got "my workflow"',
      'explore.workflows[0].tenant: required, the tenant id the instances are created for, got ""',
      'explore.workflows[0].className: required, the name of the exported WorkflowEntrypoint class (e.g. "OrderWorkflow"), got "not-a-class"',
      'explore.workflows[0].inputs: must list at least one input, e.g. [{ "name": "default", "params": {} }], got []',
      'explore.workflows[2].name: "greeting" is used twice (each workflow needs its own name)',
      'explore.workflows[2].inputs[1].name: "x" is used twice in this workflow',
    ]);
  });
});

describe("readDuration", () => {
  it("reads milliseconds and the Workflows API's duration words", () => {
    expect(
      ["500 ms", "1 second", "2 seconds", "1.5 hours", "3 days", "1 week", "10 minutes", 0, 250].map(readDuration),
    ).toEqual([500, 1000, 2000, 5_400_000, 259_200_000, 604_800_000, 600_000, 0, 250].map((ms) => ({ ms })));
    expect(readDuration(Number.POSITIVE_INFINITY)).toEqual({
      problem: "must be a finite number of milliseconds, got Infinity",
    });
    expect(readDuration(true)).toEqual({
      problem: 'must be milliseconds (a number) or a duration like "2 days", got true',
    });
  });
});
