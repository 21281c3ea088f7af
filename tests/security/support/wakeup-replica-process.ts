import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '@signal/common/clock';
import { HttpWakeups } from '../../../services/signaling/src/wakeups/http/http-wakeups.ts';
import { parseAddress } from '../../../services/signaling/src/wakeups/http/wakeup-address.ts';
import type { CountWakeup } from '../../../services/signaling/src/wakeups/wakeup-counts.ts';
import type { AttackerProcess } from './wakeup-attacker-process.ts';

export const WAKEUP_SECRET = 'the cluster wake-up secret of more than thirty-two characters';

export interface WakeupReplicaProcess {
  address: string;
  port: number;
  /** Every stdout line, parsed (pino JSON). */
  logs: Record<string, unknown>[];
  ask<T>(what: 'rss' | 'received' | 'refused'): Promise<T>;
  /** Has it wake the replica at `address`, inside a span of its own. */
  wake(address: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts support/wakeup-replica.ts in its own Node process and waits for its address; `preload` runs first (`--import`). */
export async function startWakeupReplica(env: Record<string, string> = {}, preload?: string): Promise<WakeupReplicaProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./wakeup-replica.ts', import.meta.url)), [], {
    env: { PATH: process.env.PATH, WAKEUP_SECRET, ...env },
    execArgv: ['--disable-warning=ExperimentalWarning', ...(preload === undefined ? [] : ['--import', preload])],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ text: line });
    }
  });
  const [{ address }] = (await once(child, 'message')) as [{ address: string }];
  const answer = () => once(child, 'message').then(([message]) => message);
  return {
    address,
    port: parseAddress(address)!.port,
    logs,
    async ask<T>(what: string) {
      const answered = answer();
      child.send({ ask: what });
      return (await answered) as T;
    },
    async wake(to: string) {
      const answered = answer();
      child.send({ ask: 'wake', to });
      await answered;
    },
    async stop() {
      const exited = once(child, 'exit');
      child.send({ ask: 'stop' });
      await exited;
    },
  };
}

/** A peer replica in the test process, holding the cluster's secret. */
export function startPeer(count?: CountWakeup): Promise<HttpWakeups> {
  return HttpWakeups.start({ port: 0, listenHost: '127.0.0.1', advertiseHost: '127.0.0.1', secrets: [WAKEUP_SECRET], clock: systemClock, ...(count ? { count } : {}), onRefused: () => {} });
}

/**
 * Starts the attacked replica before the file's tests; stops it, and every attacker pushed on
 * `attacks` that is still running, after them.
 */
export function attackedReplica(): { replica: () => WakeupReplicaProcess; attacks: AttackerProcess[] } {
  let replica: WakeupReplicaProcess | undefined;
  const attacks: AttackerProcess[] = [];
  beforeAll(async () => {
    replica = await startWakeupReplica();
  });
  afterAll(async () => {
    await Promise.all(attacks.splice(0).map((attack) => attack.stop()));
    await replica?.stop();
  });
  return { replica: () => replica!, attacks };
}
