import { performance } from 'node:perf_hooks';
import type { ServerProcess } from './server-process.ts';

export interface CpuUse {
  wallSeconds: number;
  serverCpuSeconds: number;
  loadgenCpuSeconds: number;
}

/** Server and load-generator CPU over a measured window: shows which side was the bottleneck. */
export function startCpuWindow(server: ServerProcess): () => CpuUse {
  const wall = performance.now();
  const serverCpu = server.cpuSeconds();
  const loadgen = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(loadgen);
    return {
      wallSeconds: (performance.now() - wall) / 1000,
      serverCpuSeconds: server.cpuSeconds() - serverCpu,
      loadgenCpuSeconds: (used.user + used.system) / 1e6,
    };
  };
}

export const percentOf = (cpuSeconds: number, wallSeconds: number): number => (100 * cpuSeconds) / wallSeconds;
