/** Help texts and replay lines speak the user's invocation (cli/invocation.ts). */
import { describe, expect, it } from "vitest";
import { commandPrefix, forInvocation, INVOCATION } from "../../cli/invocation.ts";

describe("invocation", () => {
  it("from the sources is this repository's npm scripts, so pinned replay lines stay as they were", () => {
    expect(INVOCATION).toBe("repository");
    expect(commandPrefix("run")).toBe("npm start --");
    expect(commandPrefix("fuzz")).toBe("npm run fuzz --");
  });

  it("installed, every command is npx dwc <command>", () => {
    expect(commandPrefix("run", "installed")).toBe("npx dwc run");
    expect(commandPrefix("fuzz", "installed")).toBe("npx dwc fuzz");
    const help =
      "Usage: dwc fuzz [options]        (npm run fuzz -- [options])\n  npm start\n  npm start -- run --target x\n  npm start -- report --from r.json\n  npm run fuzz -- --runs 5\n";
    expect(forInvocation(help, "installed")).toBe(
      "Usage: npx dwc fuzz [options]\n  npx dwc run\n  npx dwc run --target x\n  npx dwc report --from r.json\n  npx dwc fuzz --runs 5\n",
    );
    expect(forInvocation(help, "repository")).toBe(help);
  });
});
