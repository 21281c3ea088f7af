import { InProcessBroadcasts } from '../../src/adapters/memory/in-process-broadcasts.ts';
import { runBroadcastsContract } from './broadcasts.contract.ts';

// One process shares one set of broadcasts: "several replicas" on this transport are the same instance.
runBroadcastsContract('in-process', async () => {
  const broadcasts = new InProcessBroadcasts();
  return { open: async () => broadcasts, dispose: async () => {} };
});
