#!/usr/bin/env node
// The installed command (`dwc`, package.json "bin"). The harness is TypeScript run as-is, so this registers tsx's
// loader in-process (no second node process) before importing the CLI.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
