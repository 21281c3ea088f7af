/**
 * A signaling replica's wake-up side alone, in its own process, wired as the service wires it
 * (openWakeups: metrics, sampled refusal log on stdout): what the wake-up attacks aim at. The
 * parent talks to it over IPC: its address on start, then RSS (current and peak since the last
 * ask), hints received, and the refusal counter.
 */
import { pino } from 'pino';
import { systemClock } from '@signal/common/clock';
import { Metrics } from '@signal/common/observability/metrics';
import { openWakeups } from '@signal/signaling/wakeups/open-wakeups';

const send = (message: object) => process.send!(message);
const metrics = new Metrics('signaling');
const wakeups = await openWakeups(
  { port: 0, advertiseHost: '127.0.0.1', secrets: (process.env.WAKEUP_SECRET ?? '').split(',') },
  { listenHost: '127.0.0.1', clock: systemClock, metrics, logger: pino({ level: 'info' }) },
);
let received = 0;
wakeups.onWake(() => void (received += 1));

let peak = process.memoryUsage.rss();
setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20).unref();

process.on('message', async (message: { ask: string }) => {
  if (message.ask === 'rss') {
    const rss = process.memoryUsage.rss();
    send({ rss, peak: Math.max(peak, rss) });
    peak = rss;
  } else if (message.ask === 'received') {
    send({ received });
  } else if (message.ask === 'refused') {
    const { values } = await metrics.wakeupsRefused.get();
    send({ refused: values.reduce((sum, { value }) => sum + value, 0) });
  } else if (message.ask === 'stop') {
    await wakeups.close();
    process.exit(0);
  }
});
send({ address: wakeups.address });
