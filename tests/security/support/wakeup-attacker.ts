/**
 * Attacks on a wake-up port from their own process, so that the attacker's work does not slow
 * the test process that measures real wake-ups. Told what to do over IPC (see AttackSpec).
 */
import { forgedHead, idleConnections, slowSenders, type Attack } from './wakeup-attackers.ts';

export type AttackSpec =
  | { kind: 'idle'; port: number; connections: number }
  /** Forged headers declaring `declaredBytes`, then that many body bytes, `chunkBytes` every `intervalMs`. */
  | { kind: 'slow'; port: number; connections: number; declaredBytes: number; chunkBytes: number; intervalMs: number };

const attacks: Attack[] = [];

function start(spec: AttackSpec): Attack {
  if (spec.kind === 'idle') return idleConnections(spec.port, spec.connections);
  const bytes = () => Buffer.concat([Buffer.from(forgedHead(spec.declaredBytes)), Buffer.alloc(spec.declaredBytes, 0x7b)]);
  return slowSenders(spec.port, spec.connections, bytes, spec.chunkBytes, spec.intervalMs);
}

process.on('message', (message: { start?: AttackSpec; ask?: 'status' | 'calm' | 'stop' }) => {
  if (message.start !== undefined) {
    attacks.push(start(message.start));
    process.send!({ started: true });
  } else if (message.ask === 'calm') {
    for (const attack of attacks.splice(0)) attack.stop();
    process.send!({ calm: true });
  } else if (message.ask === 'status') {
    process.send!({ open: attacks.reduce((sum, attack) => sum + attack.open, 0), opened: attacks.reduce((sum, attack) => sum + attack.opened, 0) });
  } else if (message.ask === 'stop') {
    for (const attack of attacks) attack.stop();
    process.exit(0);
  }
});
process.send!({ ready: true });
