import { jest } from '@jest/globals';
import { RefusalReport } from '../../src/wakeups/http/refusal-report.ts';

afterEach(() => jest.useRealTimers());

test('a flood of refusals is counted one by one and logged as one line a period', () => {
  jest.useFakeTimers();
  const counted: string[] = [];
  const lines: object[] = [];
  const report = new RefusalReport({ count: (reason) => counted.push(reason), warn: (fields) => lines.push(fields), periodMs: 10_000 });
  for (let i = 0; i < 2_000; i += 1) report.record(i % 2 === 0 ? 'mac' : 'timeout', `10.0.0.${i % 7}:${40_000 + i}`);
  expect(counted).toHaveLength(2_000);
  expect(lines).toEqual([{ refused: 1, reasons: { mac: 1 }, remotes: ['10.0.0.0'] }]);
  jest.advanceTimersByTime(10_000);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toEqual({ refused: 1_999, reasons: { mac: 999, timeout: 1_000 }, remotes: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'] });
  jest.advanceTimersByTime(60_000);
  expect(lines).toHaveLength(2);
  report.record('mac', '10.0.0.9:1');
  expect(lines).toHaveLength(3);
  report.close();
});
