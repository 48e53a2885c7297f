#!/usr/bin/env node
// The installed command (`dwc`, package.json "bin"): the compiled CLI in dist/ (built by `npm run build`, which
// `npm pack` runs), no TypeScript loader. In this repository `npm start` runs the sources through tsx instead.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "dwc: dist/ is missing (a checkout, not an installed package): run `npm run build`, or use `npm start -- …`.\n",
  );
  process.exit(2);
}
await import(entry.href);
