import { randomUUID } from 'node:crypto';
import { startBroker } from '../../../../test-support/servicebus-broker/index.ts';
import { DirectWakeupBus } from '../../src/adapters/direct/direct-wakeup-bus.ts';
import { ServiceBusEventBus } from '../../src/adapters/servicebus/service-bus-event-bus.ts';
import { systemClock } from '../../src/clock.ts';
import { runEventBusContract } from './event-bus.contract.ts';

const TOPIC = 'signal-events';
const quiet = { info() {}, warn() {}, error() {} };

runEventBusContract('direct wake-ups over TCP, broadcasts on Service Bus (test broker)', async () => {
  const broker = await startBroker({ entities: { [TOPIC]: [] } });
  const secret = randomUUID() + randomUUID();
  return {
    open: async (replicaName) =>
      DirectWakeupBus.start({
        broadcasts: await ServiceBusEventBus.start({ connectionString: broker.connectionString, topic: TOPIC, replicaName, logger: quiet, probeIntervalMs: 100 }),
        port: 0,
        listenHost: '127.0.0.1',
        advertiseHost: '127.0.0.1',
        secrets: [secret],
        clock: systemClock,
        onRejected: () => {},
      }),
    dispose: () => broker.stop(),
  };
});
