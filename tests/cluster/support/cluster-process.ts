import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** `npm run start:cluster` as a child process, with its JSON output parsed as it comes. */
export interface ClusterProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  /** Resolves with the first output line that `match` accepts, past or future. */
  line(match: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ClusterProcessOptions {
  /** Through `npm run start:cluster`, as a person starts it, instead of the launcher directly. */
  viaNpm?: boolean;
  /** Added to the bare PATH the process gets. */
  env?: Record<string, string>;
}

export function startClusterProcess(args: string[], options: ClusterProcessOptions = {}): ClusterProcess {
  const [command, commandArgs] = options.viaNpm ? ['npm', ['run', '--silent', 'start:cluster', '--', ...args]] : [process.execPath, ['test-support/cluster/start-cluster.ts', ...args]];
  const child = spawn(command, commandArgs, {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiting = new Set<{ match: (entry: Record<string, unknown>) => boolean; resolve: (entry: Record<string, unknown>) => void }>();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(text) as Record<string, unknown>;
    } catch {
      entry = { raw: text };
    }
    lines.push(entry);
    for (const waiter of waiting) if (waiter.match(entry)) waiter.resolve(entry);
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    lines,
    exited,
    line(match, timeoutMs = 60_000) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const fail = (error: Error) => {
          clearTimeout(timer);
          waiting.delete(waiter);
          reject(error);
        };
        const waiter = {
          match,
          resolve: (entry: Record<string, unknown>) => {
            clearTimeout(timer);
            waiting.delete(waiter);
            resolve(entry);
          },
        };
        const timer = setTimeout(() => fail(new Error(`no such line in ${timeoutMs} ms; stderr: ${stderr}\nlast lines: ${JSON.stringify(lines.slice(-5))}`)), timeoutMs);
        waiting.add(waiter);
        void exited.then(({ code, signal }) => waiting.has(waiter) && fail(new Error(`start:cluster exited ${code ?? signal}: ${stderr}`)));
      });
    },
  };
}

/** True while a process with this id exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every process below `pid` (children, theirs, ...), as `ps` lists them now. */
export function descendants(pid: number): number[] {
  // ps exits 1 when nothing matches: the empty list is still the answer.
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.split('\n').flatMap((line) => (line.trim() === '' ? [] : [Number(line)]));
  return children.flatMap((child) => [child, ...descendants(child)]);
}
