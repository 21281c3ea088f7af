import { InProcessWakeups } from '../../src/wakeups/in-process-wakeups.ts';
import { runWakeupsContract } from './wakeups.contract.ts';

// One process is one replica: its own address reaches its handlers, any other is not in the process.
runWakeupsContract('in-process', false, async () => ({
  open: async (count) => new InProcessWakeups(count),
  unreachable: 'in-process-of-a-previous-run',
  dispose: async () => {},
}));
