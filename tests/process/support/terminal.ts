import { spawn, type ChildProcess } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { requireTool, SCRIPT } from '../../../test-support/system-tools/system-tools.ts';

/** A command run with a pseudo-terminal as its stdout, through the system's `script`. */
export interface TerminalRun {
  /** Everything printed so far, colours removed. */
  output(): string;
  /** Resolves once `text` has been printed. */
  printed(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function scriptArgs(command: string[]): string[] {
  // util-linux (Linux) and BSD (macOS) spell it differently.
  return process.platform === 'darwin' ? ['-q', '/dev/null', ...command] : ['-q', '-f', '-e', '-c', command.map(quote).join(' '), '/dev/null'];
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function runInTerminal(command: string[], env: Record<string, string>): TerminalRun {
  const script = requireTool(SCRIPT);
  // Its own process group, so stop() reaches the command inside the terminal too.
  const child: ChildProcess = spawn(script, scriptArgs(command), { env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let text = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    text += stripVTControlCharacters(chunk.toString()).replaceAll('\r', '');
    for (const listener of listeners) listener();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => text,
    printed(wanted, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!text.includes(wanted)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${JSON.stringify(wanted)} not printed in ${timeoutMs} ms; output:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
