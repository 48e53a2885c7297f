import { describe, expect, it } from "vitest";
import { describeValue } from "../../../emulator/lib/describe-value.ts";

describe("describeValue (error messages show the bad input)", () => {
  it("quotes strings, so empty and padded strings are visible", () => {
    expect(describeValue("")).toBe('""');
    expect(describeValue(" a ")).toBe('" a "');
  });
  it("renders objects as JSON, and cyclic or symbol-keyed ones by their tag", () => {
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeValue(cyclic)).toBe("[object Object]");
  });
  it("names functions instead of printing their source, and shows other primitives as themselves", () => {
    expect(describeValue(() => 1)).toBe("(a function)");
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue(Symbol("s"))).toBe("Symbol(s)");
    expect(describeValue(12n)).toBe("12");
  });
});
