import { performance } from 'node:perf_hooks';
import { machineBusySeconds } from './proc-stats.ts';
import type { ServerProcess } from './server-process.ts';

export interface CpuUse {
  wallSeconds: number;
  serverCpuSeconds: number;
  loadgenCpuSeconds: number;
  /** CPU the rest of the machine used meanwhile: other processes competing with the measurement. */
  otherCpuSeconds: number;
}

/** Server, load-generator and everyone else's CPU over a measured window: which side was the bottleneck, and how noisy the machine was. */
export function startCpuWindow(server: ServerProcess): () => CpuUse {
  const wall = performance.now();
  const serverCpu = server.cpuSeconds();
  const loadgen = process.cpuUsage();
  const machine = machineBusySeconds();
  return () => {
    const used = process.cpuUsage(loadgen);
    const serverCpuSeconds = server.cpuSeconds() - serverCpu;
    const loadgenCpuSeconds = (used.user + used.system) / 1e6;
    return {
      wallSeconds: (performance.now() - wall) / 1000,
      serverCpuSeconds,
      loadgenCpuSeconds,
      otherCpuSeconds: Math.max(0, machineBusySeconds() - machine - serverCpuSeconds - loadgenCpuSeconds),
    };
  };
}

export const percentOf = (cpuSeconds: number, wallSeconds: number): number => (100 * cpuSeconds) / wallSeconds;
