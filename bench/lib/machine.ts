/** What machine a benchmark ran on, recorded with every result. */
import os from "node:os";

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  ramGiB: number;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started: a busy machine explains noisy numbers. */
  loadAverage: number[];
  date: string;
}

export function machineInfo(now = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    node: process.version,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    date: now.toISOString(),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.platform}, load ${m.loadAverage.join(" ")}, ${m.date}`;
}
