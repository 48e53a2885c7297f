/**
 * `npm run report:screenshot [-- <index.html> [<out.png>]]`: renders the HTML report in headless Chromium and
 * writes a PNG next to it (default reports/index.html → reports/index.png), to look at the report the way a person
 * opening it would. Not part of `npm test`: it needs Debian's `chromium` at /usr/bin/chromium (or `CHROMIUM=<path>`).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

async function main(args: string[]): Promise<number> {
  const html = resolve(args[0] ?? "reports/index.html");
  const png = resolve(args[1] ?? `${html.replace(/\.html?$/i, "")}.png`);
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(
      `No Chromium at ${CHROMIUM}. Install Debian's package, then run this again:\n\n` +
        `  sudo apt-get update && sudo apt-get install -y chromium\n\n` +
        `(as root, without sudo), or point CHROMIUM=<path> at another Chromium or Chrome binary.\n`,
    );
    return 1;
  }
  if (!existsSync(html)) {
    process.stderr.write(
      `No report at ${html}: run \`npm start\` first (e.g. \`npm start -- --target emulator-production\`).\n`,
    );
    return 1;
  }
  const profile = await mkdtemp(join(tmpdir(), "dwc-chromium-"));
  try {
    await rm(png, { force: true });
    const flags = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      `--screenshot=${png}`,
      "--window-size=1400,1800",
      pathToFileURL(html).href,
    ];
    await new Promise<void>((done, fail) => {
      execFile(CHROMIUM, flags, { timeout: 90_000 }, (error, _stdout, stderr) => {
        if (error) fail(new Error(`chromium failed: ${error.message}\n${stderr}`));
        else done();
      });
    });
    const size = (await stat(png).catch(() => undefined))?.size ?? 0;
    if (size === 0) {
      process.stderr.write(`Chromium exited without writing ${png}.\n`);
      return 1;
    }
    process.stdout.write(`Screenshot: ${png} (${Math.round(size / 1024)} KiB, 1400×1800)\n`);
    return 0;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
