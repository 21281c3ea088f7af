import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ProcessRole } from '@signal/common/config/config';
import { testEnv } from './harness.ts';

export interface ChildService {
  role: ProcessRole;
  url: string;
  port: number;
  pid: number;
  /** Every JSON log line the process printed so far. */
  logs: Record<string, unknown>[];
  /** Resolves once the process is gone, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, no draining. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  timeoutMs?: number;
  /** Every line the process prints (stdout and stderr), e.g. to forward it to a terminal. */
  onLine?: (line: string) => void;
  /** Own process group: a terminal's Ctrl-C then reaches only the parent, which stops children in order. */
  detached?: boolean;
  /** Stops itself (as on SIGTERM) once this process is gone, even killed: a pod dies with its launcher. */
  exitWithParent?: boolean;
  /** Node's own arguments before the entry file, e.g. `--import` of the tracing preload. */
  nodeArgs?: string[];
}

const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.ts', import.meta.url));

const ENTRY: Record<ProcessRole, string> = {
  session: 'services/session/src/main.ts',
  signaling: 'services/signaling/src/main.ts',
  ice: 'services/ice/src/main.ts',
  'all-in-one': 'services/all-in-one/src/main.ts',
};

/** Runs a Signal process with the test defaults of harness.ts under `env`. */
export function startChildService(role: ProcessRole, env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<ChildService> {
  return spawnService(role, testEnv(env), { timeoutMs });
}

/**
 * Runs one Signal process the way a pod does (its own Node, exactly `env` plus PATH) and waits
 * until it listens. The port comes from its "listening" log line, so PORT=0 works.
 */
export async function spawnService(role: ProcessRole, env: Record<string, string | undefined>, options: SpawnOptions = {}): Promise<ChildService> {
  const timeoutMs = options.timeoutMs ?? 45_000;
  // The port is read from the info-level "listening" line, so info is the least this may log.
  const merged = { PATH: process.env.PATH, ...env, LOG_LEVEL: env.LOG_LEVEL === 'debug' ? 'debug' : 'info' };
  const withParent = options.exitWithParent ?? false;
  const child: ChildProcess = spawn(process.execPath, [...(withParent ? ['--import', EXIT_WITH_PARENT] : []), ...(options.nodeArgs ?? []), ENTRY[role]], {
    env: Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe', ...(withParent ? (['ipc'] as const) : [])],
    detached: options.detached ?? false,
  });
  // Nor does the channel keep this process alive: it exists only for the child to notice it is gone.
  child.channel?.unref();
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr += `${line}\n`;
    options.onLine?.(line);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${role} did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${role} exited ${code ?? signal} before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      options.onLine?.(line);
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'listening' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      } catch {
        logs.push({ raw: line });
      }
    });
  });
  return {
    role,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return (await exited).code;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
