/**
 * `signal_handshakes_total` over HTTP: every offer is counted once, by how it ended, by the
 * replica whose write ended it (the slot's own history, no bus): the first answer completes it,
 * a new offer or an expire ends an unanswered one as abandoned while it was live, as
 * expired_unanswered after SDP_TTL_SECONDS (the injected clock moves time).
 */
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { ManualClock } from '@signal/common/clock';
import { login, post, ROOM, sdpText, startSignal, type LoggedIn, type TestSignal } from '../../test-support/signal/harness.ts';

const OUTCOMES = ['completed', 'abandoned', 'expired_unanswered'] as const;
type Counts = Record<(typeof OUTCOMES)[number], number>;

const clock = new ManualClock(Date.now());
let signal: TestSignal;
let alice: LoggedIn;
let bob: LoggedIn;

beforeAll(async () => {
  signal = await startSignal({ role: 'all-in-one', clock, env: { SDP_TTL_SECONDS: '60' } });
});
beforeEach(async () => {
  alice = await login(signal.url);
  bob = await login(signal.url);
});
afterAll(() => signal.shutdown());

async function counts(): Promise<Counts> {
  const text = await (await fetch(`${signal.url}/metrics`)).text();
  const value = (outcome: string) => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`signal_handshakes_total{outcome="${outcome}"`));
    if (line === undefined) throw new Error(`no signal_handshakes_total series for ${outcome}`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { completed: value('completed'), abandoned: value('abandoned'), expired_unanswered: value('expired_unanswered') };
}

/** Runs `act` and answers how much each outcome grew meanwhile. */
async function counted(act: () => Promise<void>): Promise<Counts> {
  const before = await counts();
  await act();
  const after = await counts();
  return { completed: after.completed - before.completed, abandoned: after.abandoned - before.abandoned, expired_unanswered: after.expired_unanswered - before.expired_unanswered };
}

async function send(type: 'offer' | 'answer', from: LoggedIn, to: LoggedIn, label: string): Promise<void> {
  const res = await post(signal.url, `/${type}`, from.cookie, { to: to.uuid, sdp: sdpText(label), room: ROOM });
  expect(res.status).toBe(200);
}

const expire = async (by: LoggedIn, source: LoggedIn, destination: LoggedIn) => {
  const res = await post(signal.url, '/expire', by.cookie, { source: source.uuid, type: 'offer', destination: destination.uuid, room: { ...ROOM, name: 'Test Room', connected: true } });
  expect(res.status).toBe(200);
};

test('every outcome is exported at 0 before any handshake', async () => {
  const fresh = await startSignal({ role: 'signaling', clock });
  try {
    const text = await (await fetch(`${fresh.url}/metrics`)).text();
    for (const outcome of OUTCOMES) expect(text).toContain(`signal_handshakes_total{outcome="${outcome}",service="signaling"} 0`);
  } finally {
    await fresh.shutdown();
  }
});

test('a completed handshake counts once, however many answers follow, and its offer is not counted again', async () => {
  expect(
    await counted(async () => {
      await send('offer', alice, bob, 'offer');
      await send('answer', bob, alice, 'answer');
      await send('answer', bob, alice, 'answer again');
      await send('offer', alice, bob, 'next offer');
    }),
  ).toEqual({ completed: 1, abandoned: 0, expired_unanswered: 0 });
});

test('an offer replaced before anyone answered counts abandoned', async () => {
  expect(
    await counted(async () => {
      await send('offer', alice, bob, 'first');
      await send('offer', alice, bob, 'second');
    }),
  ).toEqual({ completed: 0, abandoned: 1, expired_unanswered: 0 });
});

test('an offer replaced after SDP_TTL_SECONDS unanswered counts expired_unanswered', async () => {
  expect(
    await counted(async () => {
      await send('offer', alice, bob, 'first');
      clock.advance(61_000);
      await send('offer', alice, bob, 'retry');
    }),
  ).toEqual({ completed: 0, abandoned: 0, expired_unanswered: 1 });
});

test('expire ends live unanswered offers in both directions as abandoned, once', async () => {
  expect(
    await counted(async () => {
      await send('offer', alice, bob, 'ab');
      await send('offer', bob, alice, 'ba');
      await expire(alice, alice, bob);
      await expire(bob, alice, bob);
    }),
  ).toEqual({ completed: 0, abandoned: 2, expired_unanswered: 0 });
});

test('an answer to an offer that was expired completes nothing', async () => {
  expect(
    await counted(async () => {
      await send('offer', alice, bob, 'offer');
      await expire(alice, alice, bob);
      await send('answer', bob, alice, 'late answer');
    }),
  ).toEqual({ completed: 0, abandoned: 1, expired_unanswered: 0 });
});
