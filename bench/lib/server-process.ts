import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { cpuSeconds, rssBytes } from './proc-stats.ts';
import { REPO_ROOT } from './repo.ts';

export interface ServerSpec {
  name: string;
  /** Node arguments: a script path and its flags. */
  args: string[];
  env?: Record<string, string>;
  /** CPU core the server is pinned to; unpinned when absent (tests). */
  core?: number;
  /** Path answering 2xx once the server can take traffic. */
  readyPath: string;
  startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly origin: string;
  cpuSeconds(): number;
  rssBytes(): number;
  stop(): Promise<void>;
}

const OUTPUT_TAIL_BYTES = 4096;

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Keeps the last few KB a child printed, to explain a failed start without flooding memory. */
function captureTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

async function waitReady(origin: string, path: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before ready:\n${tail()}`);
    }
    try {
      const res = await fetch(origin + path, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(50);
  }
  throw new Error(`server not ready at ${origin}${path} within ${timeoutMs} ms:\n${tail()}`);
}

/**
 * Starts a Node server, pinned to one core when asked (taskset execs node, so the pid is the server's own),
 * on a fresh loopback port passed as PORT/HOST, and waits until it answers.
 */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    ...spec.env,
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  const [command, args] = spec.core === undefined ? [process.execPath, spec.args] : ['taskset', ['-c', String(spec.core), process.execPath, ...spec.args]];
  const child = spawn(command, args, {
    env,
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.name}`);
  const tail = captureTail(child);
  const origin = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitReady(origin, spec.readyPath, child, spec.startTimeoutMs ?? 20_000, tail);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: spec.name, pid, origin, cpuSeconds: () => cpuSeconds(pid), rssBytes: () => rssBytes(pid), stop };
}
