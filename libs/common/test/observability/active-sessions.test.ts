import { expect, test } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ActiveSessions } from '../../src/observability/active-sessions.ts';

const WINDOW_MS = 5 * 60_000;

test('counts each session once while it has made a request within the window', () => {
  const clock = new ManualClock();
  const active = new ActiveSessions(WINDOW_MS, clock);
  active.seen('a');
  active.seen('b');
  active.seen('a');
  expect(active.count()).toBe(2);
  clock.advance(WINDOW_MS - 1000);
  active.seen('b');
  clock.advance(2000);
  // a's last request is now older than the window, b's is not.
  expect(active.count()).toBe(1);
  clock.advance(WINDOW_MS);
  expect(active.count()).toBe(0);
});

test('a session that ended stops counting at once, and counts again only if it is seen again', () => {
  const clock = new ManualClock();
  const active = new ActiveSessions(WINDOW_MS, clock);
  active.seen('a');
  active.seen('b');
  active.forget('a');
  active.forget('never-seen');
  expect(active.count()).toBe(1);
  active.seen('a');
  expect(active.count()).toBe(2);
});
