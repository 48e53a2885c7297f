/** A missing optional package becomes one line naming it and its install command (cli/missing-package.ts). */
import { describe, expect, it } from "vitest";
import { missingPackageMessage } from "../../cli/missing-package.ts";

describe("missingPackageMessage", () => {
  it("names the package and the install command", () => {
    const error = Object.assign(
      new Error("Cannot find package 'miniflare' imported from /p/dist/targets/workerd-target.js"),
      { code: "ERR_MODULE_NOT_FOUND" },
    );
    expect(missingPackageMessage(error)).toBe(
      'dwc: the package "miniflare" is not installed; install it with: npm install --save-dev miniflare',
    );
  });

  it("leaves other errors alone (they keep their stack)", () => {
    expect(missingPackageMessage(new Error("Cannot find package 'left-pad' imported from x"))).toBeUndefined();
    expect(missingPackageMessage(new Error("boom"))).toBeUndefined();
    expect(missingPackageMessage(undefined)).toBeUndefined();
  });
});
