import { systemClock } from '@signal/common/clock';
import { HttpWakeups } from '@signal/signaling/wakeups/http/http-wakeups';

const SECRET = 'a shared secret of more than thirty-two characters';

/** `count` replicas' HTTP wake-ups on loopback, each on a free port, sharing one secret; refusals are collected. */
export async function loopbackHttpWakeups(count: number, refused: string[] = []): Promise<HttpWakeups[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      HttpWakeups.start({
        port: 0,
        listenHost: '127.0.0.1',
        advertiseHost: '127.0.0.1',
        secrets: [SECRET],
        clock: systemClock,
        onRefused: (reason) => refused.push(reason),
      }),
    ),
  );
}
