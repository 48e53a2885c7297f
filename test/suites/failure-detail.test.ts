/**
 * A failed case keeps its assertion as structure (suites/failure-detail.ts): operator, expected, actual, the case's
 * own words, and the source line that threw, so every report can say which field was wrong and how.
 */
import assert from "node:assert/strict";
import { describe, expect, it } from "vitest";
import { defineCase } from "../../contract/case.ts";
import { describeFailure, failureDetail, oneLineFailure } from "../../suites/failure-detail.ts";
import { assertOwnTenant, type ProbeOutput } from "../../suites/probe.ts";
import { runCase } from "../../suites/run-case.ts";
import { fakeTarget } from "../support/fake-target.ts";

function thrown(f: () => void): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
}

describe("failureDetail", () => {
  it("keeps a generated assertion's operator, both values and the line that threw", () => {
    const isolates = { acme: "acme/1", globex: "acme/1" };
    const detail = failureDetail(thrown(() => assert.notEqual(isolates.globex, isolates.acme)));
    expect(detail).toMatchObject({
      kind: "AssertionError",
      operator: "notStrictEqual",
      expected: "'acme/1'",
      actual: "'acme/1'",
    });
    expect(detail?.message).toBeUndefined();
    expect(detail?.at).toMatch(/^test\/suites\/failure-detail\.test\.ts:\d+$/);
    expect(detail?.source).toBe(
      "const detail = failureDetail(thrown(() => assert.notEqual(isolates.globex, isolates.acme)));",
    );
  });

  it("keeps the case's own message, without node's appended diff", () => {
    const detail = failureDetail(
      thrown(() => assert.deepEqual({ markers: [1, 2] }, { markers: [1, 3] }, "markers differ")),
    );
    expect(detail).toMatchObject({
      operator: "deepStrictEqual",
      message: "markers differ",
      expected: "{ markers: [ 1, 3 ] }",
      actual: "{ markers: [ 1, 2 ] }",
    });
  });

  it("when a shared helper threw, names the case's line that called it", () => {
    const output = { tenant: "acme", codeVersion: "v1", instanceId: "i", markers: [] } as unknown as ProbeOutput;
    const detail = failureDetail(thrown(() => assertOwnTenant(output, "globex")));
    expect(detail?.at).toMatch(/^suites\/probe\.ts:\d+$/);
    expect(detail?.source).toMatch(/^assert\.equal\(output\.tenant, tenant, /);
    expect(detail?.calledFrom).toMatch(/^test\/suites\/failure-detail\.test\.ts:\d+$/);
    expect(describeFailure("x", detail)[1]).toMatch(
      /^at suites\/probe\.ts:\d+ \(called from test\/suites\/failure-detail\.test\.ts:\d+\): assert\.equal/,
    );
  });

  it("names a cause that is not an assertion by its class", () => {
    const error = Object.assign(new Error("instance has no dispatcher metadata"), {
      name: "MissingDispatcherMetadataError",
    });
    const detail = failureDetail(error);
    expect(detail?.kind).toBe("MissingDispatcherMetadataError");
    expect(detail?.expected).toBeUndefined();
    expect(describeFailure(error.message, detail)[0]).toBe(
      "MissingDispatcherMetadataError: instance has no dispatcher metadata",
    );
    expect(failureDetail("a thrown string")).toBeUndefined();
  });
});

describe("describeFailure / oneLineFailure", () => {
  const error = thrown(() => assert.equal("acme", "globex")) as Error;
  const detail = failureDetail(error);

  it("replaces node's bare headline with what was compared and the two values", () => {
    expect(error.message.split("\n")[0]).toBe("Expected values to be strictly equal:");
    const lines = describeFailure(error.message, detail);
    expect(lines[0]).toBe("Expected values to be strictly equal");
    expect(lines).toContain("expected: 'globex'");
    expect(lines).toContain("actual:   'acme'");
    expect(lines.some((l) => /^at test\/suites\/failure-detail\.test\.ts:\d+: const error = /.test(l))).toBe(true);
    expect(oneLineFailure(error.message, detail)).toMatch(
      /assert\.equal\("acme", "globex"\).* — expected 'globex', actual 'acme'$/,
    );
  });

  it("says 'anything but' for a not-equal assertion", () => {
    const not = thrown(() => assert.notEqual(200, 200)) as Error;
    expect(describeFailure(not.message, failureDetail(not))).toContain("expected: anything but 200");
  });

  it("without a detail, is the error as thrown", () => {
    expect(describeFailure("one\ntwo", undefined)).toEqual(["one", "two"]);
  });
});

describe("runCase", () => {
  it("puts the structured failure on a failed result, next to the error text", async () => {
    const failing = defineCase({
      id: "t/failing",
      title: "fails",
      spec: [],
      run: async () => assert.equal({ tenant: "acme" }.tenant, "globex", "output came from the wrong tenant"),
    });
    const result = await runCase(fakeTarget(), failing, {});
    expect(result.status).toBe("fail");
    expect(result.error).toMatch(/^output came from the wrong tenant/);
    expect(result.failure).toMatchObject({
      kind: "AssertionError",
      operator: "strictEqual",
      expected: "'globex'",
      actual: "'acme'",
      message: "output came from the wrong tenant",
      source: `run: async () => assert.equal({ tenant: "acme" }.tenant, "globex", "output came from the wrong tenant"),`,
    });
  });
});
