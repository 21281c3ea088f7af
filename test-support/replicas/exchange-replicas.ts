import pino from 'pino';
import { systemClock, type Clock } from '@signal/common/clock';
import { loadConfig } from '@signal/common/config/config';
import { EventHub } from '@signal/common/events/event-hub';
import { Metrics } from '@signal/common/observability/metrics';
import type { EventBus } from '@signal/common/ports/event-bus';
import type { SdpStore } from '@signal/signaling/store/sdp-store';
import { SdpExchange } from '@signal/signaling/domain/sdp-exchange';
import { testEnv } from '../signal/harness.ts';

export interface ExchangeReplica {
  name: string;
  exchange: SdpExchange;
  events: EventHub;
  metrics: Metrics;
}

/**
 * Signaling replicas without HTTP: one SdpExchange per bus, all on one store, configured from
 * the same environment variables a process reads. For races that need thousands of rounds.
 */
export function exchangeReplicas(sdps: SdpStore, buses: EventBus[], env: Record<string, string> = {}, clock: Clock = systemClock): ExchangeReplica[] {
  const config = loadConfig(testEnv(env), 'signaling', () => '').signaling;
  const logger = pino({ level: 'silent' });
  return buses.map((bus, index) => {
    const name = `signaling-${index}`;
    const metrics = new Metrics('signaling');
    const events = new EventHub({ bus, clock, metrics, logger, replicaName: name });
    return { name, exchange: new SdpExchange({ sdps, events, clock, metrics, config }), events, metrics };
  });
}
