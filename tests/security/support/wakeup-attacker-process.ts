import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { AttackSpec } from './wakeup-attacker.ts';

export interface AttackerProcess {
  /** Starts more attacks, alongside those running. */
  attack(...specs: AttackSpec[]): Promise<void>;
  /** Stops every attack (their connections close); the process stays, idle. */
  calm(): Promise<void>;
  status(): Promise<{ open: number; opened: number }>;
  stop(): Promise<void>;
}

/** Starts support/wakeup-attacker.ts running `specs` (none: idle until told to attack). */
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
  const attack = async (...more: AttackSpec[]) => {
    for (const spec of more) await reply({ start: spec });
  };
  await attack(...specs);
  return {
    attack,
    calm: async () => void (await reply({ ask: 'calm' })),
    status: async () => (await reply({ ask: 'status' })) as { open: number; opened: number },
    async stop() {
      child.send({ ask: 'stop' });
      await exited;
    },
  };
}
