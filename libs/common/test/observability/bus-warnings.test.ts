import { expect, test } from '@jest/globals';
import { InProcessBroadcasts } from '../../src/adapters/memory/in-process-broadcasts.ts';
import { systemClock } from '../../src/clock.ts';
import { EventHub } from '../../src/events/event-hub.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { EventEnvelope } from '../../src/ports/broadcasts.ts';
import { capturedLogger } from '../../../../test-support/logs/captured-logger.ts';

/** The in-process adapter with its broker gone: every publish fails as Service Bus's does in an outage. */
class UnreachableBroadcasts extends InProcessBroadcasts {
  override async publish(_event: EventEnvelope): Promise<void> {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5672\n    at TCPConnectWrap.afterConnect'), { code: 'ECONNREFUSED' });
  }
}

test('a bus outage failing every publish leaves one warning without a stack, and counts each failure', async () => {
  const { logger, lines } = capturedLogger('info', 'session');
  const metrics = new Metrics('session');
  const hub = new EventHub({ bus: new UnreachableBroadcasts(), clock: systemClock, metrics, logger, replicaName: 'session-0' });
  for (let i = 0; i < 30; i += 1) await hub.publish('session.revoked', { sessionId: `s${i}` });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(lines().filter((line) => line.level === 40)).toEqual([
    expect.objectContaining({ msg: 'event not published to the bus; other replicas do not hear of it', kind: 'session.revoked', error: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5672', code: 'ECONNREFUSED' } }),
  ]);
  expect(JSON.stringify(lines())).not.toContain('stack');
  expect(await metrics.registry.metrics()).toMatch(/^signal_bus_events_published_total\{kind="session.revoked",outcome="error",service="session"\} 30$/m);
});
