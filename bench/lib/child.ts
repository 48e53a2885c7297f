/** Runs a TypeScript file in a fresh Node process (tsx loader) and returns the JSON it prints last on stdout. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function runTsChild<T>(
  file: string,
  args: readonly string[],
  options: { nodeFlags?: string[]; timeoutMs?: number } = {},
): Promise<T> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), "--import", "tsx", file, ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${file} ${args.join(" ")} exited with ${code}:\n${stderr.trim()}`);
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(
      `${file} ${args.join(" ")} printed no JSON result; stdout: ${stdout.slice(-500)}; stderr: ${stderr.slice(-500)}`,
    );
  }
}
