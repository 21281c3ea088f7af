/**
 * A signaling replica's wake-up side alone, in its own process, wired as the service wires it
 * (openWakeups: metrics, sampled refusal log on stdout): what the wake-up attacks aim at. The
 * parent talks to it over IPC: its address on start, then RSS (current and peak since the last
 * ask), hints received, the refusal counter, and a wake-up it is told to send (in a span of its own).
 */
import { pino } from 'pino';
import { systemClock } from '@signal/common/clock';
import { Metrics } from '@signal/common/observability/metrics';
import { shutdownTracing, withSpan } from '@signal/common/observability/tracing';
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

process.on('message', async (message: { ask: string; to?: string }) => {
  if (message.ask === 'wake') {
    await withSpan('test wake', {}, () => wakeups.wake([message.to!], { room: 'traced-room', type: 'offer', from: 'alice', to: 'bob' }));
    send({ woken: true });
  } else if (message.ask === 'rss') {
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
    await shutdownTracing();
    process.exit(0);
  }
});
send({ address: wakeups.address });
