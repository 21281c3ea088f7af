import type { Logger } from 'pino';
import type { Clock } from '@signal/common/clock';
import type { Metrics } from '@signal/common/observability/metrics';
import { RepeatedLog } from '@signal/common/observability/repeated-log';
import { HttpWakeups } from './http/http-wakeups.ts';
import { RefusalReport } from './http/refusal-report.ts';
import { InProcessWakeups } from './in-process-wakeups.ts';
import type { CountWakeup } from './wakeup-counts.ts';
import type { Wakeups } from './wakeups.ts';

/** WAKEUP_PORT, WAKEUP_HOST and WAKEUP_SECRET, as validated at start-up. */
export interface HttpWakeupSettings {
  port: number;
  advertiseHost: string;
  secrets: readonly string[];
}

export interface WakeupsContext {
  /** HOST: the wake-up port listens on the same interface as the API. */
  listenHost: string;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}

/**
 * The Wakeups a signaling process runs: over HTTP between replicas when it runs distributed
 * (`settings` given, BUS=servicebus), in process when it is the only replica.
 */
export async function openWakeups(settings: HttpWakeupSettings | undefined, context: WakeupsContext): Promise<Wakeups> {
  // A dropped wake-up delays a waiting client until its re-check: worth a warning, once a minute
  // with the count while it goes on, not a line each.
  const dropped = new RepeatedLog({ line: (fields, message) => context.logger.warn(fields, message) });
  const count: CountWakeup = (path, outcome) => {
    context.metrics.wakeups.inc({ path, outcome });
    if (outcome === 'dropped') dropped.record(path, { path }, 'wake-up not acknowledged; the waiter re-checks the store on its fallback timer');
  };
  if (settings === undefined) return new InProcessWakeups(count);
  const refusals = new RefusalReport({
    count: (reason) => context.metrics.wakeupsRefused.inc({ reason }),
    warn: (fields, message) => context.logger.warn(fields, message),
  });
  const wakeups = await HttpWakeups.start({ ...settings, listenHost: context.listenHost, clock: context.clock, count, onRefused: refusals.record });
  context.logger.info({ address: wakeups.address }, 'taking wake-ups from other signaling replicas');
  return wakeups;
}
