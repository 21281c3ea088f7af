import type { Platform } from '@signal/common/runtime/platform';
import { HttpWakeups } from './wakeups/http/http-wakeups.ts';
import { RefusalReport } from './wakeups/http/refusal-report.ts';
import { InProcessWakeups } from './wakeups/in-process-wakeups.ts';
import type { CountWakeup } from './wakeups/wakeup-counts.ts';
import type { Wakeups } from './wakeups/wakeups.ts';

/**
 * The Wakeups a signaling process runs: over HTTP between replicas when it runs distributed
 * (BUS=servicebus, with the WAKEUP_* settings), in process when it is the only replica.
 */
export async function openWakeups({ config, clock, metrics, logger }: Platform): Promise<Wakeups> {
  const count: CountWakeup = (path, outcome) => metrics.wakeups.inc({ path, outcome });
  const settings = config.bus.kind === 'servicebus' ? config.bus.wakeups : undefined;
  if (settings === undefined) return new InProcessWakeups(count);
  const refusals = new RefusalReport({
    count: (reason) => metrics.wakeupsRefused.inc({ reason }),
    warn: (fields, message) => logger.warn(fields, message),
  });
  const wakeups = await HttpWakeups.start({ ...settings, listenHost: config.http.host, clock, count, onRefused: refusals.record });
  logger.info({ address: wakeups.address }, 'taking wake-ups from other signaling replicas');
  return {
    address: wakeups.address,
    wake: (addresses, hint) => wakeups.wake(addresses, hint),
    onWake: (handler) => wakeups.onWake(handler),
    close: async () => {
      await wakeups.close();
      refusals.close();
    },
  };
}
