/** Command-line options of `npm run bench`. Pure: parsing never exits; the CLI decides what to do with errors. */

export const MEASUREMENTS = ["reference", "long-sleep", "fuzz", "scale", "crash", "tenant-load", "explore"] as const;
export type MeasurementName = (typeof MEASUREMENTS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Overrides every measurement's default number of runs. */
  runs: number | null;
  only: MeasurementName[];
  out: string;
  workerd: boolean;
  help: boolean;
}

export const DEFAULT_OUT = "reports/bench.json";

export type ParseResult = { ok: true; options: BenchOptions } | { ok: false; error: string };

export function parseArgs(argv: readonly string[]): ParseResult {
  const options: BenchOptions = { quick: false, runs: null, only: [], out: DEFAULT_OUT, workerd: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case "-h":
      case "--help":
        options.help = true;
        break;
      case "--quick":
        options.quick = true;
        break;
      case "--no-workerd":
        options.workerd = false;
        break;
      case "--runs": {
        const v = value();
        const n = Number(v);
        if (v === undefined || !Number.isInteger(n) || n < 1)
          return { ok: false, error: `--runs needs a whole number ≥ 1, got ${v ?? "nothing"}` };
        options.runs = n;
        break;
      }
      case "--only": {
        const v = value();
        if (v === undefined)
          return { ok: false, error: `--only needs a measurement name (${MEASUREMENTS.join(", ")})` };
        for (const name of v.split(",")) {
          if (!(MEASUREMENTS as readonly string[]).includes(name)) {
            return { ok: false, error: `--only: unknown measurement "${name}" (known: ${MEASUREMENTS.join(", ")})` };
          }
          if (!options.only.includes(name as MeasurementName)) options.only.push(name as MeasurementName);
        }
        break;
      }
      case "--out": {
        const v = value();
        if (!v) return { ok: false, error: "--out needs a file name" };
        options.out = v;
        break;
      }
      default:
        return { ok: false, error: `unknown option "${arg}" (see --help)` };
    }
  }
  return { ok: true, options };
}

/** Runs for a measurement: `--runs` if given, 1 with `--quick`, else the measurement's default. */
export function runsFor(options: Pick<BenchOptions, "quick" | "runs">, defaultRuns: number): number {
  return options.runs ?? (options.quick ? 1 : defaultRuns);
}

export const HELP = `Usage: npm run bench -- [options]

Benchmarks of the emulator (virtual time) and of local workerd (miniflare 4, real time), running the reference
dispatcher and the real @cloudflare/dynamic-workflows with probe tenants. Prints a table and writes a JSON report.

Options:
  --quick            small sizes and 1 run per measurement: a smoke test (about 15 s)
  --runs <n>         runs per measurement (default: 5 on the emulator, 3 on workerd and for scale)
  --only <name>      run only this measurement; repeatable, or comma-separated
  --no-workerd       skip everything that needs workerd (the emulator columns still run)
  --out <file>       where the JSON report goes (default: ${DEFAULT_OUT})
  -h, --help         this text

Measurements (names for --only):
  reference     2 steps with a sleep between (1 s, then 1 ms), 200 instances over 2 tenants, created concurrently
                through the dispatcher: instances/s and median create→complete latency, emulator vs workerd
  long-sleep    the same workflow with a 30-day sleep: emulator wall time (workerd cannot: real time)
  fuzz          property-suite scenarios per second on the emulator (simulation/fuzz.ts)
  scale         100 / 1,000 / 10,000 concurrent sleeping instances, each size in a fresh child process:
                wall time and peak memory, per instance
  crash         crash + recovery with 10 / 100 / 1,000 instances asleep, against the same run without a crash
  tenant-load   first request to a tenant (Worker Loader compiles its code) vs later ones, emulator and workerd
  explore       dwc explore: systematic exploration of a 5-step workflow (ms), schedules/s (simulation/explore/)

A full run takes about 3 to 5 minutes on 2 cores. docs/benchmarks.md explains every number.
`;
