import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A process held to a CPU limit, as Kubernetes holds a container to `resources.limits.cpu`. */
export interface CpuQuota {
  readonly millicores: number;
  /** Scheduler periods in which the process used its whole quota and waited, out of all periods it ran in. */
  throttling(): { periods: number; throttled: number };
  /** Moves the process back to the root group and removes this one. */
  release(): void;
}

const PERIOD_US = 100_000;
const V2_ROOT = '/sys/fs/cgroup';
const V1_ROOT = '/sys/fs/cgroup/cpu';

/**
 * Puts `pid` (all its threads) in a cgroup of its own with a CFS quota of `millicores`, the
 * mechanism behind a container's CPU limit. Needs root and the cpu controller (cgroup v2 with
 * `cpu` enabled at the root, or v1 mounted at /sys/fs/cgroup/cpu); throws a one-line reason otherwise.
 */
export function limitCpu(pid: number, millicores: number, name: string): CpuQuota {
  const quotaUs = Math.round((millicores / 1000) * PERIOD_US);
  const v2 = existsSync(join(V2_ROOT, 'cgroup.controllers')) && readFileSync(join(V2_ROOT, 'cgroup.subtree_control'), 'utf8').includes('cpu');
  const root = v2 ? V2_ROOT : V1_ROOT;
  if (!v2 && !existsSync(join(V1_ROOT, 'cpu.cfs_quota_us'))) throw new Error('CPU limits need the cgroup cpu controller (v2 with cpu enabled, or v1 at /sys/fs/cgroup/cpu)');
  const dir = join(root, `signal-bench-${name}-${process.pid}`);
  try {
    mkdirSync(dir);
    if (v2) writeFileSync(join(dir, 'cpu.max'), `${quotaUs} ${PERIOD_US}`);
    else {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
    }
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  } catch (error) {
    throw new Error(`cannot limit the CPU of pid ${pid} through ${dir} (run as root?): ${(error as Error).message}`);
  }
  const stat = () => Object.fromEntries(readFileSync(join(dir, 'cpu.stat'), 'utf8').trim().split('\n').map((line) => line.split(' ') as [string, string]));
  return {
    millicores,
    throttling() {
      const fields = stat();
      return { periods: Number(fields.nr_periods), throttled: Number(fields.nr_throttled) };
    },
    release() {
      try {
        if (existsSync(`/proc/${pid}`)) writeFileSync(join(root, 'cgroup.procs'), String(pid));
        rmdirSync(dir);
      } catch (error) {
        // Best effort at the end of a bench: a leftover group limits nothing once its process is gone.
        console.error(`could not remove ${dir}: ${(error as Error).message}`);
      }
    },
  };
}
