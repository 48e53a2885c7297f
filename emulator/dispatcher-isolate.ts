/**
 * The dispatcher isolate: the one worker the emulator runs (the user's dispatcher, with the real
 * `@cloudflare/dynamic-workflows`). Compiled once when the emulator gets ready, started on first use, dropped by a
 * crash (the next use starts a fresh one, `dispatcher#2`, …). Apart from the Emulator so that "which dispatcher is
 * live" is one small object.
 */
import type { Clock } from "./clock.ts";
import type { EmulatorOptions } from "./emulator-options.ts";
import { EmulatorUsageError } from "./lib/errors.ts";
import type { CompiledWorker } from "./loader/module-compiler.ts";
import { WorkerIsolate } from "./runtime/worker-isolate.ts";
import type { Trace } from "./trace.ts";

/** What starting a dispatcher isolate needs from the emulator around it. */
export interface DispatcherHost {
  readonly options: EmulatorOptions;
  readonly clock: Clock;
  readonly trace: Trace;
  readonly log: ((realm: string, level: string, args: unknown[]) => void) | undefined;
  /** True once the emulator is disposed: no isolate starts again. */
  disposed(): boolean;
  /** The dispatcher's `env` in its own realm. */
  env(isolate: WorkerIsolate): Record<string, unknown>;
  /** What a module export becomes in the isolate (Durable Object classes are wrapped). */
  exportFor(name: string, value: unknown, isolate: WorkerIsolate): unknown;
}

export class DispatcherIsolate {
  private compiled: CompiledWorker | null = null;
  private current: WorkerIsolate | null = null;
  private seq = 0;

  constructor(private readonly host: DispatcherHost) {}

  /** The dispatcher's code, compiled (emulator.ready). */
  setCompiled(compiled: CompiledWorker): void {
    this.compiled = compiled;
  }

  /** The live dispatcher isolate, started now if none is. */
  get(): WorkerIsolate {
    const { host } = this;
    if (host.disposed()) throw new EmulatorUsageError("This emulator has been disposed.");
    if (this.current) return this.current;
    if (!this.compiled) throw new EmulatorUsageError("The emulator is not ready yet: await emulator.ready first.");
    const label = `dispatcher#${++this.seq}`;
    this.current = new WorkerIsolate({
      label,
      compiled: this.compiled,
      clock: host.clock,
      log: host.log,
      compatibilityDate: host.options.compatibilityDate ?? "2026-01-01",
      compatibilityFlags: host.options.compatibilityFlags ?? [],
      env: (isolate) => host.env(isolate),
      exportFor: (name, value, isolate) => host.exportFor(name, value, isolate),
    });
    host.trace.record({ type: "dispatcher.start", isolate: label });
    return this.current;
  }

  /** A crash or dispose: the isolate's realm dies; the next `get()` starts a fresh one. */
  kill(): void {
    this.current?.realm.kill();
    this.current = null;
  }
}
