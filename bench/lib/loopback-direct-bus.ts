import { DirectWakeupBus } from '../../libs/common/src/adapters/direct/direct-wakeup-bus.ts';
import { systemClock } from '../../libs/common/src/clock.ts';
import type { EventBus } from '../../libs/common/src/ports/event-bus.ts';

/** A replica's direct wake-ups on a free loopback port, broadcasts on `broadcasts`: how the benches run WAKEUPS=direct on one machine. */
export function loopbackDirectBus(broadcasts: EventBus): Promise<DirectWakeupBus> {
  return DirectWakeupBus.start({
    broadcasts,
    port: 0,
    listenHost: '127.0.0.1',
    advertiseHost: '127.0.0.1',
    secrets: ['a bench secret of more than thirty-two characters'],
    clock: systemClock,
    onRejected: (reason) => console.error('wake-up refused:', reason),
  });
}
