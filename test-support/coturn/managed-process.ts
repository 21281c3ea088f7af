import { spawn, type ChildProcess } from 'node:child_process';

/** Enough log tail to diagnose a failed start without holding a chatty server's whole output. */
const OUTPUT_TAIL_BYTES = 64 * 1024;

export interface ManagedProcess {
  /** The last bytes the process wrote to stdout and stderr, interleaved. */
  output(): string;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a child process whose lifetime the caller owns: it is killed only by its own pid,
 * and its output is kept (bounded) for error messages.
 */
export function startProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; onUnexpectedExit?: (output: string) => void } = {},
): ManagedProcess {
  const child: ChildProcess = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  let stopping = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      if (!stopping) options.onUnexpectedExit?.(`${tail}\n[${command} exited: code ${code}, signal ${signal}]`);
      resolve();
    });
    child.once('error', (error) => {
      keep(Buffer.from(`\n[spawn ${command} failed: ${error.message}]\n`));
      exited = true;
      resolve();
    });
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}`);
  }

  return {
    output: () => tail,
    hasExited: () => exited,
    async stop(graceMs = 5000) {
      if (exited) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Retries `probe` until it returns true or `timeoutMs` passes; bounded readiness waits, never expiry waits. */
export async function waitUntil(probe: () => Promise<boolean>, options: { timeoutMs: number; intervalMs?: number; describe: () => string }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
  throw new Error(`timed out after ${options.timeoutMs} ms: ${options.describe()}`);
}
