import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { RefusalSummary } from '../../src/observability/refusal-summary.ts';
import { errorSummary, RepeatedLog } from '../../src/observability/repeated-log.ts';

const PERIOD_MS = 60_000;
let lines: Array<[Record<string, unknown>, string]>;
const line = (fields: object, message: string) => lines.push([fields as Record<string, unknown>, message]);

beforeEach(() => {
  lines = [];
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

test('a repeated warning is written when it starts, then once a period with its count, and stops with the fault', () => {
  const log = new RepeatedLog({ line, periodMs: PERIOD_MS });
  for (let i = 0; i < 500; i += 1) log.record('cosmos', { requestId: `r${i}` }, 'dependency unavailable');
  log.record('jwks', { requestId: 'j' }, 'dependency unavailable');
  expect(lines).toEqual([
    [{ requestId: 'r0' }, 'dependency unavailable'],
    [{ requestId: 'j' }, 'dependency unavailable'],
  ]);
  jest.advanceTimersByTime(PERIOD_MS);
  expect(lines.slice(2)).toEqual([[{ requestId: 'r499', repeated: 499, periodSeconds: 60 }, 'dependency unavailable (repeated)']]);
  log.record('cosmos', { requestId: 'late' }, 'dependency unavailable');
  jest.advanceTimersByTime(3 * PERIOD_MS);
  expect(lines.slice(3)).toEqual([[{ requestId: 'late', repeated: 1, periodSeconds: 60 }, 'dependency unavailable (repeated)']]);
  // The fault is over: the next failure is news again, written at once.
  log.record('cosmos', { requestId: 'again' }, 'dependency unavailable');
  expect(lines.slice(4)).toEqual([[{ requestId: 'again' }, 'dependency unavailable']]);
});

test('an error is summed up by type, first message line and code, without its stack', () => {
  const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081\n    at TCPConnectWrap'), { code: 'ECONNREFUSED' });
  expect(errorSummary(error)).toEqual({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:8081', code: 'ECONNREFUSED' });
  expect(JSON.stringify(errorSummary(error))).not.toContain('at ');
});

test('refusals: the first is written at once, then one line a period by status, route and top clients', () => {
  const summary = new RefusalSummary({ line, periodMs: PERIOD_MS });
  summary.record(401, '/offer', 'address 203.0.113.7');
  for (let i = 0; i < 70; i += 1) summary.record(429, '/offer', 'peer flooder');
  for (let i = 0; i < 3; i += 1) summary.record(499, '/answer', 'peer waiter');
  expect(lines).toEqual([[{ refused: 1, byStatus: { '401 /offer': 1 }, topClients: [{ client: 'address 203.0.113.7', count: 1 }], periodSeconds: 60 }, 'requests refused']]);
  jest.advanceTimersByTime(PERIOD_MS);
  expect(lines.slice(1)).toEqual([
    [
      {
        refused: 73,
        byStatus: { '429 /offer': 70, '499 /answer': 3 },
        topClients: [
          { client: 'peer flooder', count: 70 },
          { client: 'peer waiter', count: 3 },
        ],
        periodSeconds: 60,
      },
      'requests refused',
    ],
  ]);
  jest.advanceTimersByTime(5 * PERIOD_MS);
  expect(lines).toHaveLength(2);
});
