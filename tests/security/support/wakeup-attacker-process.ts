import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { AttackSpec } from './wakeup-attacker.ts';

export interface AttackerProcess {
  status(): Promise<{ open: number; opened: number }>;
  stop(): Promise<void>;
}

/** Starts support/wakeup-attacker.ts running `specs` until stopped. */
export async function startAttacker(...specs: AttackSpec[]): Promise<AttackerProcess> {
  const child = fork(fileURLToPath(new URL('./wakeup-attacker.ts', import.meta.url)), [], {
    env: { PATH: process.env.PATH },
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const reply = async (message: object) => {
    const answered = once(child, 'message');
    child.send(message);
    return (await answered)[0] as Record<string, number>;
  };
  await once(child, 'message');
  for (const spec of specs) await reply({ start: spec });
  return {
    status: async () => (await reply({ ask: 'status' })) as { open: number; opened: number },
    async stop() {
      child.send({ ask: 'stop' });
      await exited;
    },
  };
}
