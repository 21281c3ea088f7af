import { execFile } from 'node:child_process';
import { COTURN_UCLIENT, MissingToolError, locate } from '../system-tools/system-tools.ts';

export interface AllocationAttempt {
  accepted: boolean;
  /** uclient's output, for assertion messages. */
  output: string;
}

/**
 * Asks the TURN server for a relay allocation with these credentials using coturn's own client,
 * independent of any WebRTC stack. `-y` relays to a second allocation of the same client, `-n 1 -c`
 * keeps it to one message without RTCP: about 3 s when accepted, immediate when refused.
 */
export function tryTurnAllocation(target: { host: string; port: number; username: string; credential: string; timeoutMs?: number }): Promise<AllocationAttempt> {
  const uclient = locate(COTURN_UCLIENT);
  if (uclient === undefined) return Promise.reject(new MissingToolError([COTURN_UCLIENT]));
  const args = ['-y', '-n', '1', '-c', '-p', String(target.port), '-u', target.username, '-w', target.credential, target.host];
  return new Promise((resolve, reject) => {
    execFile(uclient, args, { timeout: target.timeoutMs ?? 20_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error && error.killed) {
        reject(new Error(`turnutils_uclient did not finish in time:\n${output}`));
        return;
      }
      resolve({ accepted: error === null, output });
    });
  });
}
