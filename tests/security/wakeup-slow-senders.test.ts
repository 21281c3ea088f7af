/**
 * 250 senders without the wake-up secret, each trickling a large request (512 KB declared, or
 * headers a few bytes at a time), must not make a replica hold their bytes: its RSS grows by at
 * most 20 MB while they keep at it.
 */
import type { HttpWakeups } from '../../services/signaling/src/wakeups/http/http-wakeups.ts';
import { newHint } from '../../services/signaling/test/wakeups/wakeups.contract.ts';
import type { AttackSpec } from './support/wakeup-attacker.ts';
import { startAttacker } from './support/wakeup-attacker-process.ts';
import { attackedReplica, startPeer } from './support/wakeup-replica-process.ts';

const MB = 1024 * 1024;
const ATTACK_MS = 6_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const attacked = attackedReplica();
const { attacks } = attacked;

/**
 * `each` senders of 512 KB requests (as the frames that grew the old transport's buffers) in
 * 16 KB pieces, and `each` of 60 KB requests 8 bytes at a time, a piece every 100 ms.
 */
const attackOf = (each: number): AttackSpec[] => [
  { kind: 'slow', port: attacked.replica().port, connections: each, declaredBytes: 512 * 1024, chunkBytes: 16 * 1024, intervalMs: 100 },
  { kind: 'slow', port: attacked.replica().port, connections: each, declaredBytes: 60_000, chunkBytes: 8, intervalMs: 100 },
];

/** A peer's real wake-ups, one every 10 ms for `ms`: the traffic the replica serves meanwhile. */
async function wakeFor(peer: HttpWakeups, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let woken = 0;
  while (Date.now() < deadline) {
    await peer.wake([attacked.replica().address], newHint());
    woken += 1;
    await sleep(10);
  }
  return woken;
}

test('250 slow senders of large unauthenticated requests grow RSS by at most 20 MB, and real wake-ups still arrive', async () => {
  const peer = await startPeer();
  try {
    // Warm-up at the same traffic, with a small attack first, so that growth is the attack's and
    // not the first run of code paths (JIT, first log line) or the heap sizing itself to the traffic.
    const warmUp = await startAttacker(...attackOf(25));
    let woken = await wakeFor(peer, 1_000);
    await warmUp.stop();
    woken += await wakeFor(peer, 3_000);
    const before = await attacked.replica().ask<{ rss: number; peak: number }>('rss');

    // Half send their 512 KB in 16 KB pieces, half their headers 8 bytes at a time: both slow.
    const attacker = await startAttacker(...attackOf(125));
    attacks.push(attacker);
    woken += await wakeFor(peer, ATTACK_MS);
    const during = await attacked.replica().ask<{ rss: number; peak: number }>('rss');
    const { opened } = await attacker.status();
    await attacks.pop()!.stop();

    const growthMb = (during.peak - before.rss) / MB;
    console.log(`RSS ${(before.rss / MB).toFixed(1)} MB before, peak ${(during.peak / MB).toFixed(1)} MB under 250 slow senders (+${growthMb.toFixed(1)} MB; ${opened} attacking connections over ${ATTACK_MS / 1000} s)`);
    expect(await attacked.replica().ask<{ received: number }>('received')).toEqual({ received: woken });
    expect(growthMb).toBeLessThanOrEqual(20);
  } finally {
    await peer.close();
  }
});
