import vm from "node:vm";
import { describe, expect, it } from "vitest";
import {
  EmulatorUsageError,
  NonRetryableDelayError,
  WorkflowError,
  WorkflowFatalError,
} from "../../../emulator/lib/errors.ts";
import {
  assertRetryDelayResult,
  resolveStepConfig,
  validateEventType,
  validateInstanceId,
  validateStepName,
  validateWorkflowName,
} from "../../../emulator/lib/validators.ts";
import { LOCAL, PRODUCTION } from "../../../emulator/profiles.ts";

/** Runs `fn`, expecting it to throw, and returns the error so tests can assert on its name and message. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

const ID_RULE = "characters of letters, digits, '-' and '_', not starting with '-'";
const INVALID_CONFIG = (name: string) =>
  `Step config for "${name}" is in a invalid format. See https://developers.cloudflare.com/workflows/build/sleeping-and-retrying/ (`;

describe("validateInstanceId", () => {
  it.each(["a", "A-1_b", "_leading-underscore", "0", "x".repeat(100)])("WF-71 accepts %j", (id) => {
    expect(validateInstanceId(id)).toBe(id);
  });

  it("WF-71 rejects an id with a space, as a WorkflowError starting with the local text", () => {
    const error = thrown(() => validateInstanceId("a b"));
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.name).toBe("WorkflowError");
    expect(error.message).toBe(`Workflow instance has invalid id: "a b" (ids are 1-100 ${ID_RULE})`);
  });

  it("WF-71 rejects a 101-character id and says how long it is", () => {
    const error = thrown(() => validateInstanceId("x".repeat(101)));
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.message).toMatch(
      /^Workflow instance has invalid id: "x{101}" \(ids are 1-100 .*; this one has 101\)$/,
    );
  });

  it.each(["", "-leading-dash", "a.b", "a/b", "ünïcode", "a\nb"])("WF-71 rejects %j", (id) => {
    const error = thrown(() => validateInstanceId(id));
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.message.startsWith("Workflow instance has invalid id")).toBe(true);
  });

  it.each([
    [42, "42"],
    [null, "null"],
    [undefined, "undefined"],
  ])("WF-71 rejects the non-string %s", (id, shown) => {
    const error = thrown(() => validateInstanceId(id));
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.message).toBe(`Workflow instance has invalid id: ${shown} (ids must be strings of 1-100 ${ID_RULE})`);
  });
});

describe("validateWorkflowName", () => {
  it("WF-72 accepts a 64-character name", () => {
    const name = "w".repeat(64);
    expect(validateWorkflowName(name)).toBe(name);
  });

  it("WF-72 rejects a 65-character name as an emulator usage error", () => {
    const error = thrown(() => validateWorkflowName("w".repeat(65)));
    expect(error).toBeInstanceOf(EmulatorUsageError);
    expect(error.name).toBe("EmulatorUsageError");
    expect(error.message).toContain(`Invalid workflow name "${"w".repeat(65)}"`);
    expect(error.message).toContain("1-64");
    expect(error.message).toContain("this one has 65");
  });

  it.each(["", "-x", "my workflow", "my.workflow", 7])("WF-72 rejects %j", (name) => {
    const error = thrown(() => validateWorkflowName(name));
    expect(error).toBeInstanceOf(EmulatorUsageError);
    expect(error.message).toContain(
      `Invalid workflow name ${JSON.stringify(name)}: workflow names are 1-64 ${ID_RULE}`,
    );
  });
});

describe("validateStepName", () => {
  it("WF-11 accepts a 256-character name", () => {
    const name = "s".repeat(256);
    expect(validateStepName(name)).toBe(name);
  });

  it("WF-11 accepts spaces, punctuation, unicode and the empty string (only length and control characters count)", () => {
    for (const name of ["fetch user #1", "ünïcode ✓", "a.b/c", ""]) {
      expect(validateStepName(name)).toBe(name);
    }
  });

  it("WF-11 accepts DEL (\\x7F), which is outside the forbidden range", () => {
    expect(validateStepName("a\x7Fb")).toBe("a\x7Fb");
  });

  it("WF-11 rejects a 257-character name with the local engine's text", () => {
    const name = "s".repeat(257);
    const error = thrown(() => validateStepName(name));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.name).toBe("WorkflowFatalError");
    expect(error.message).toBe(`Step name "${name}" exceeds max length (256 chars) or invalid characters found`);
  });

  it.each(["a\x00b", "tab\there", "line\nbreak", "\x1F"])("WF-11 rejects the control character in %j", (name) => {
    const error = thrown(() => validateStepName(name));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`Step name "${name}" exceeds max length (256 chars) or invalid characters found`);
  });

  it("WF-11 rejects a non-string name", () => {
    const error = thrown(() => validateStepName(12));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe("Step name must be a string, got 12");
  });
});

describe("validateEventType", () => {
  it.each(["approved", "user-approved_2", "_x", "t".repeat(100)])("WF-61 accepts %j", (type) => {
    expect(validateEventType(type)).toBe(type);
  });

  it("WF-61 rejects a '.' with workflow.invalid_event_type, naming the type and the rule", () => {
    const error = thrown(() => validateEventType("user.approved"));
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.name).toBe("WorkflowError");
    expect(error.message).toContain("workflow.invalid_event_type");
    expect(error.message).toContain('"user.approved"');
    expect(error.message).toContain(`1-100 ${ID_RULE}`);
  });

  it("WF-61 rejects a 101-character type", () => {
    const error = thrown(() => validateEventType("t".repeat(101)));
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.message).toContain("workflow.invalid_event_type");
    expect(error.message).toContain("this one has 101");
  });

  it.each(["", "-x", "a b", null, 5])("WF-61 rejects %j", (type) => {
    const error = thrown(() => validateEventType(type));
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.message).toContain("workflow.invalid_event_type");
  });
});

describe("resolveStepConfig", () => {
  it("WF-30 no config gives the defaults, with the local default delay of 1 s", () => {
    const resolved = resolveStepConfig("s", undefined, LOCAL);
    expect(resolved.retries).toEqual({ limit: 5, delayMs: 1_000, delayFn: null, backoff: "exponential" });
    expect(resolved.timeoutMs).toBe(600_000);
    expect(resolved.sensitive).toBeNull();
    expect(resolved.visible).toEqual({
      retries: { limit: 5, backoff: "exponential", delay: 1_000 },
      timeout: "10 minutes",
    });
  });

  it("WF-30 §E.1 production's default delay is 10 s", () => {
    const resolved = resolveStepConfig("s", undefined, PRODUCTION);
    expect(resolved.retries.delayMs).toBe(10_000);
    expect(resolved.visible).toEqual({
      retries: { limit: 5, backoff: "exponential", delay: 10_000 },
      timeout: "10 minutes",
    });
  });

  it("WF-30 null and {} mean no config, as in the local engine (config ?? {})", () => {
    const defaults = resolveStepConfig("s", undefined, LOCAL);
    expect(resolveStepConfig("s", null, LOCAL)).toEqual(defaults);
    expect(resolveStepConfig("s", {}, LOCAL)).toEqual(defaults);
  });

  it("WF-15 ctx.config keeps durations as written and merges in the default backoff and timeout", () => {
    const resolved = resolveStepConfig("s", { retries: { limit: 2, delay: "2 seconds" } }, LOCAL);
    expect(resolved.retries).toEqual({ limit: 2, delayMs: 2_000, delayFn: null, backoff: "exponential" });
    expect(resolved.visible).toEqual({
      retries: { limit: 2, backoff: "exponential", delay: "2 seconds" },
      timeout: "10 minutes",
    });
  });

  it("WF-15 ctx.config has the local engine's key order", () => {
    const resolved = resolveStepConfig(
      "s",
      { sensitive: "output", timeout: "1 minute", retries: { delay: 5, backoff: "linear", limit: 1 } },
      LOCAL,
    );
    expect(JSON.stringify(resolved.visible)).toBe(
      '{"retries":{"limit":1,"backoff":"linear","delay":5},"timeout":"1 minute","sensitive":"output"}',
    );
  });

  it("WF-15 WF-35 a delay function is kept for the engine and left out of ctx.config", () => {
    const delay = () => "3 seconds";
    const resolved = resolveStepConfig("s", { retries: { limit: 3, delay, backoff: "constant" } }, PRODUCTION);
    expect(resolved.retries.delayFn).toBe(delay);
    expect(resolved.retries.delayMs).toBeNull();
    expect(resolved.visible).toEqual({ retries: { limit: 3, backoff: "constant" }, timeout: "10 minutes" });
    expect("delay" in (resolved.visible.retries as object)).toBe(false);
  });

  it("WF-15 each call returns a fresh visible object, so a callback mutating ctx.config changes nothing", () => {
    const config = { retries: { limit: 1, delay: 100 } };
    const first = resolveStepConfig("s", config, LOCAL);
    (first.visible.retries as Record<string, unknown>).limit = 99;
    const second = resolveStepConfig("s", config, LOCAL);
    expect((second.visible.retries as Record<string, unknown>).limit).toBe(1);
    expect(config.retries.limit).toBe(1);
    expect(first.retries.limit).toBe(1);
  });

  it("WF-31 limit 0 is valid (a single attempt)", () => {
    expect(resolveStepConfig("s", { retries: { limit: 0, delay: 0 } }, LOCAL).retries.limit).toBe(0);
  });

  it("WF-31 limit 10000 is valid and 10001 is not", () => {
    expect(resolveStepConfig("s", { retries: { limit: 10_000, delay: 1 } }, LOCAL).retries.limit).toBe(10_000);
    const error = thrown(() => resolveStepConfig("s", { retries: { limit: 10_001, delay: 1 } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`${INVALID_CONFIG("s")}retries.limit must be an integer from 0 to 10000, got 10001)`);
  });

  it.each([-1, 1.5, NaN, Infinity, "3", null])("WF-34 rejects retries.limit %j", (limit) => {
    const error = thrown(() => resolveStepConfig("s", { retries: { limit, delay: 1 } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message.startsWith(`${INVALID_CONFIG("s")}retries.limit must be an integer`)).toBe(true);
  });

  it("WF-33 WF-34 retries.delay accepts ms, duration strings and 0", () => {
    expect(resolveStepConfig("s", { retries: { limit: 1, delay: 0 } }, LOCAL).retries.delayMs).toBe(0);
    expect(resolveStepConfig("s", { retries: { limit: 1, delay: "1 minute" } }, LOCAL).retries.delayMs).toBe(60_000);
    expect(resolveStepConfig("s", { retries: { limit: 1, delay: 250 } }, LOCAL).retries.delayMs).toBe(250);
  });

  it.each([
    [-5, "-5"],
    ["5 parsecs", '"5 parsecs"'],
    [null, "null"],
    [true, "true"],
  ])("WF-34 rejects retries.delay %j and says why", (delay, shown) => {
    const error = thrown(() => resolveStepConfig("fetch", { retries: { limit: 1, delay } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain(INVALID_CONFIG("fetch"));
    expect(error.message).toContain(`Invalid duration ${shown} for retries.delay of step "fetch"`);
  });

  it("WF-34 retries without limit is rejected", () => {
    const error = thrown(() => resolveStepConfig("s", { retries: { delay: 1000 } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`${INVALID_CONFIG("s")}retries.limit is required when retries is given)`);
  });

  it("WF-34 retries without delay is rejected", () => {
    const error = thrown(() => resolveStepConfig("s", { retries: { limit: 3 } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`${INVALID_CONFIG("s")}retries.delay is required when retries is given)`);
  });

  it("WF-34 an unknown top-level key is rejected and named", () => {
    const error = thrown(() => resolveStepConfig("s", { retry: { limit: 1, delay: 1 } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.name).toBe("WorkflowFatalError");
    expect(error.message).toBe(
      `${INVALID_CONFIG("s")}unknown key "retry"; allowed keys are retries, timeout, sensitive)`,
    );
  });

  it("WF-34 an unknown key inside retries is rejected and named", () => {
    const error = thrown(() => resolveStepConfig("s", { retries: { limit: 1, delay: 1, jitter: true } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain('unknown key "retries.jitter"');
  });

  it.each(["Exponential", "random", 1])("WF-34 rejects retries.backoff %j", (backoff) => {
    const error = thrown(() => resolveStepConfig("s", { retries: { limit: 1, delay: 1, backoff } }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain("retries.backoff must be one of constant, linear, exponential");
  });

  it.each(["constant", "linear", "exponential"] as const)("WF-32 accepts retries.backoff %j", (backoff) => {
    expect(resolveStepConfig("s", { retries: { limit: 1, delay: 1, backoff } }, LOCAL).retries.backoff).toBe(backoff);
  });

  it.each([
    [null, "null"],
    [[], "[]"],
    ["5 retries", '"5 retries"'],
  ])("WF-34 rejects retries that is not an object: %j", (retries, shown) => {
    const error = thrown(() => resolveStepConfig("s", { retries }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`${INVALID_CONFIG("s")}retries must be an object, got ${shown})`);
  });

  it.each([
    ["an array", [], "[]"],
    ["a string", "fast", '"fast"'],
    ["a number", 3, "3"],
  ])("WF-34 rejects a config that is %s", (_, config, shown) => {
    const error = thrown(() => resolveStepConfig("s", config, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`${INVALID_CONFIG("s")}the config must be an object, got ${shown})`);
  });

  it("WF-33 timeout accepts ms and duration strings and ctx.config shows it as written", () => {
    const asString = resolveStepConfig("s", { timeout: "30 seconds" }, LOCAL);
    expect(asString.timeoutMs).toBe(30_000);
    expect(asString.visible.timeout).toBe("30 seconds");
    const asNumber = resolveStepConfig("s", { timeout: 1 }, LOCAL);
    expect(asNumber.timeoutMs).toBe(1);
    expect(asNumber.visible.timeout).toBe(1);
  });

  it.each([0, "0", "0 seconds"])("WF-34 rejects timeout %j (a zero timeout fails every attempt)", (timeout) => {
    const error = thrown(() => resolveStepConfig("s", { timeout }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toBe(`${INVALID_CONFIG("s")}timeout must be greater than 0, got ${JSON.stringify(timeout)})`);
  });

  it.each([-1, "soon", () => 1000])("WF-34 rejects an unparsable timeout", (timeout) => {
    const error = thrown(() => resolveStepConfig("s", { timeout }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain('for timeout of step "s"');
  });

  it('WF-21 sensitive: "output" is kept and shown in ctx.config', () => {
    const resolved = resolveStepConfig("s", { sensitive: "output" }, LOCAL);
    expect(resolved.sensitive).toBe("output");
    expect(resolved.visible.sensitive).toBe("output");
  });

  it.each(["input", true, "OUTPUT"])("WF-34 rejects sensitive %j", (sensitive) => {
    const error = thrown(() => resolveStepConfig("s", { sensitive }, LOCAL));
    expect(error).toBeInstanceOf(WorkflowFatalError);
    expect(error.message).toContain('sensitive must be "output"');
  });

  it("WF-15 ctx.config has no sensitive key unless the user set it", () => {
    expect("sensitive" in resolveStepConfig("s", { timeout: 5 }, LOCAL).visible).toBe(false);
  });

  it("WF-30 keys set to undefined count as absent and keep their defaults", () => {
    const resolved = resolveStepConfig(
      "s",
      { retries: { limit: 1, delay: 1, backoff: undefined }, timeout: undefined, sensitive: undefined },
      LOCAL,
    );
    expect(resolved.retries.backoff).toBe("exponential");
    expect(resolved.timeoutMs).toBe(600_000);
    expect(resolved.visible).toEqual({
      retries: { limit: 1, backoff: "exponential", delay: 1 },
      timeout: "10 minutes",
    });
  });

  it("WF-34 a config built in another realm (a tenant isolate) is validated the same way", () => {
    const config = vm.runInNewContext('({ retries: { limit: 2, delay: () => 5, backoff: "linear" }, timeout: 100 })');
    const resolved = resolveStepConfig("s", config, LOCAL);
    expect(typeof resolved.retries.delayFn).toBe("function");
    expect(resolved.retries).toMatchObject({ limit: 2, delayMs: null, backoff: "linear" });
    expect(resolved.timeoutMs).toBe(100);
    const bad = vm.runInNewContext("({ retries: [] })");
    expect(() => resolveStepConfig("s", bad, LOCAL)).toThrow(WorkflowFatalError);
  });
});

describe("assertRetryDelayResult", () => {
  it("WF-35 a returned number or duration string becomes the base delay in ms", () => {
    expect(assertRetryDelayResult(250, "fetch", 1)).toBe(250);
    expect(assertRetryDelayResult(0, "fetch", 1)).toBe(0);
    expect(assertRetryDelayResult("30 seconds", "fetch", 1)).toBe(30_000);
  });

  it.each([undefined, null, -1, NaN, Infinity, "soon", "5 parsecs", {}, true])(
    "WF-35 %j is an invalid delay and fails the step without retries",
    (value) => {
      const error = thrown(() => assertRetryDelayResult(value, "fetch", 2));
      expect(error).toBeInstanceOf(NonRetryableDelayError);
      expect(error.name).toBe("NonRetryableDelayError");
      expect(error.message).toBe(
        'The delay function for step "fetch-2" returned an invalid delay value ' +
          '(expected a number of ms or a duration string like "30 seconds")',
      );
    },
  );
});
