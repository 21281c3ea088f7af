import { systemClock } from '@signal/common/clock';
import { HttpWakeups } from '../../src/wakeups/http/http-wakeups.ts';
import { runWakeupsContract } from './wakeups.contract.ts';

const SECRET = 'a wake-up secret of more than thirty-two characters';

// Real HTTP between replicas on loopback; every request a test sends must be accepted.
runWakeupsContract('http', true, async () => {
  const refused: string[] = [];
  return {
    open: (count) =>
      HttpWakeups.start({ port: 0, listenHost: '127.0.0.1', advertiseHost: '127.0.0.1', secrets: [SECRET], clock: systemClock, count, onRefused: (reason) => refused.push(reason) }),
    // Port 1 (tcpmux) is never served here: the connection is refused at once.
    unreachable: 'nobodyhome@127.0.0.1:1',
    dispose: async () => {
      expect(refused).toEqual([]);
    },
  };
});
