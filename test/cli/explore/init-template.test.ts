/**
 * `dwc init`'s config carries a commented `explore` example: uncommented, it is a valid explore section but for its
 * placeholder code folder, which the validator names (so a user who uncomments it learns what to fill in).
 */
import { describe, expect, it } from "vitest";
import { parseJsonc } from "../../../cli/config/parse-jsonc.ts";
import { readExplore } from "../../../cli/config/read-explore.ts";
import { configTemplate } from "../../../cli/init/templates.ts";

describe("dwc init's explore example", () => {
  it("uncommented, reads as an explore section whose only problem is the placeholder code folder", () => {
    const template = configTemplate({ needsAdapter: false, hasMiniflare: false });
    const uncommented = template.replace(/^ {2}\/\/ ("explore"| {2}"inputs")/gm, "  $1");
    expect(uncommented).not.toBe(template);
    const raw = parseJsonc(uncommented) as { explore: unknown };
    const problems: string[] = [];
    const explore = readExplore(raw.explore, "/nowhere", problems);
    expect(problems).toEqual([
      "explore.workflows[0].code: not found: ./tenants/orders (paths resolve from the config file's folder)",
    ]);
    expect(explore.workflows).toEqual([]);
  });
});
