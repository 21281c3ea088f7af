import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ProcessRole } from '@signal/common/config/config';
import { testEnv } from './harness.ts';

export interface ChildService {
  role: ProcessRole;
  url: string;
  port: number;
  pid: number;
  /** Every JSON log line the process printed so far. */
  logs: Record<string, unknown>[];
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, no draining. */
  kill(): Promise<void>;
}

const ENTRY: Record<ProcessRole, string> = {
  session: 'services/session/src/main.ts',
  signaling: 'services/signaling/src/main.ts',
  ice: 'services/ice/src/main.ts',
  'all-in-one': 'services/all-in-one/src/main.ts',
};

/**
 * Runs one Signal process the way a pod does (its own Node, its own env) and waits until it
 * listens. The port comes from its "listening" log line, so PORT=0 works.
 */
export async function startChildService(role: ProcessRole, env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<ChildService> {
  // The port is read from the info-level "listening" line, so info is the least this may log.
  const merged = { PATH: process.env.PATH, ...testEnv({ ...env, LOG_LEVEL: env.LOG_LEVEL === 'debug' ? 'debug' : 'info' }) };
  const child: ChildProcess = spawn(process.execPath, [ENTRY[role]], {
    env: Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`${role} exited ${code} before listening: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
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
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    role,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    logs,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
