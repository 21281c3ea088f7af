import { InProcessBus } from '../../src/adapters/memory/in-process-bus.ts';
import { runEventBusContract } from './event-bus.contract.ts';

// One process shares one bus: "several replicas" on this transport are the same instance.
runEventBusContract('in-process', async () => {
  const bus = new InProcessBus();
  return { open: async () => bus, dispose: async () => {} };
});
