import { jest } from '@jest/globals';
import { RefusalReport } from '../../src/wakeups/http/refusal-report.ts';

afterEach(() => jest.useRealTimers());

test('a flood of refusals is counted one by one and logged as one line a period, by status and reason', () => {
  jest.useFakeTimers();
  const counted: string[] = [];
  const lines: object[] = [];
  const report = new RefusalReport({ count: (reason) => counted.push(reason), warn: (fields) => lines.push(fields), periodMs: 10_000 });
  for (let i = 0; i < 2_000; i += 1) report.record(i % 2 === 0 ? 'mac' : 'timeout', `10.0.0.${i % 7}:${40_000 + i}`);
  expect(counted).toHaveLength(2_000);
  expect(lines).toEqual([{ refused: 1, byStatus: { '401 mac': 1 }, topClients: [{ client: '10.0.0.0', count: 1 }], periodSeconds: 10 }]);
  jest.advanceTimersByTime(10_000);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatchObject({ refused: 1_999, byStatus: { '401 mac': 999, '408 timeout': 1_000 } });
  jest.advanceTimersByTime(60_000);
  expect(lines).toHaveLength(2);
  report.record('recipient', '[fd00::9]:1');
  expect(lines).toHaveLength(3);
  expect(lines[2]).toMatchObject({ byStatus: { '421 recipient': 1 }, topClients: [{ client: '[fd00::9]', count: 1 }] });
});
