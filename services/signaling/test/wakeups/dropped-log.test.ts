import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { systemClock } from '@signal/common/clock';
import { Metrics } from '@signal/common/observability/metrics';
import { formatAddress, newInstance } from '../../src/wakeups/http/wakeup-address.ts';
import { openWakeups } from '../../src/wakeups/open-wakeups.ts';
import type { Wakeups } from '../../src/wakeups/wakeups.ts';
import { capturedLogger } from '../../../../test-support/logs/captured-logger.ts';

const { logger, lines } = capturedLogger('info', 'signaling');
let wakeups: Wakeups;

beforeAll(async () => {
  wakeups = await openWakeups(
    { port: 0, advertiseHost: '127.0.0.1', secrets: ['a-wake-up-secret-of-at-least-32-characters'] },
    { listenHost: '127.0.0.1', clock: systemClock, metrics: new Metrics('signaling'), logger },
  );
});
afterAll(() => wakeups.close());

test('wake-ups a peer does not acknowledge leave one warning, not one line each', async () => {
  // Nothing listens on port 1: every wake-up to it is dropped.
  const gone = formatAddress(newInstance(), '127.0.0.1', 1);
  for (let i = 0; i < 5; i += 1) await wakeups.wake([gone], { room: 'r', type: 'offer', from: 'a', to: 'b' });
  const warnings = lines().filter((line) => line.level === 40);
  expect(warnings).toEqual([expect.objectContaining({ msg: 'wake-up not acknowledged; the waiter re-checks the store on its fallback timer', path: 'crossed' })]);
});
