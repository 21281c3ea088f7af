import pino from 'pino';
import { InProcessBroadcasts } from '@signal/common/adapters/memory/in-process-broadcasts';
import { systemClock, type Clock } from '@signal/common/clock';
import { loadConfig } from '@signal/common/config/config';
import { EventHub } from '@signal/common/events/event-hub';
import { Metrics } from '@signal/common/observability/metrics';
import type { Broadcasts } from '@signal/common/ports/broadcasts';
import { SdpExchange } from '@signal/signaling/domain/sdp-exchange';
import type { SdpStore } from '@signal/signaling/store/sdp-store';
import type { Wakeups } from '@signal/signaling/wakeups/wakeups';
import { testEnv } from '../signal/harness.ts';

export interface ExchangeReplica {
  name: string;
  exchange: SdpExchange;
  events: EventHub;
  metrics: Metrics;
}

/**
 * Signaling replicas without HTTP: one SdpExchange per Wakeups, all on one store, configured from
 * the same environment variables a process reads. Broadcasts are shared in process unless each
 * replica is given its own. For races that need thousands of rounds.
 */
export function exchangeReplicas(
  sdps: SdpStore,
  wakeups: Wakeups[],
  env: Record<string, string> = {},
  clock: Clock = systemClock,
  broadcastsOf: (index: number) => Broadcasts = sharedInProcess(),
): ExchangeReplica[] {
  const config = loadConfig(testEnv(env), 'signaling', () => '').signaling;
  const logger = pino({ level: 'silent' });
  return wakeups.map((replicaWakeups, index) => {
    const name = `signaling-${index}`;
    const metrics = new Metrics('signaling');
    const events = new EventHub({ bus: broadcastsOf(index), clock, metrics, logger, replicaName: name });
    return { name, exchange: new SdpExchange({ sdps, events, wakeups: replicaWakeups, clock, metrics, config }), events, metrics };
  });
}

function sharedInProcess(): () => Broadcasts {
  const broadcasts = new InProcessBroadcasts();
  return () => broadcasts;
}
