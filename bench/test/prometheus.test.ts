import { countDelta, isReadOperation, metricTotal, parseSamples, storeOperationCounts } from '../lib/prometheus.ts';

const SCRAPE = `# HELP signal_store_operation_duration_seconds Store op duration
# TYPE signal_store_operation_duration_seconds histogram
signal_store_operation_duration_seconds_bucket{le="0.001",store="memory",op="sdp_get",outcome="ok"} 3
signal_store_operation_duration_seconds_count{store="memory",op="sdp_get",outcome="ok"} 4
signal_store_operation_duration_seconds_count{store="memory",op="sdp_put",outcome="ok"} 2
signal_store_operation_duration_seconds_count{store="memory",op="session_get",outcome="miss"} 1
signal_longpoll_waiters{service="signaling"} 7
signal_longpoll_waiters{service="other, \\"quoted\\""} 3
`;

test('samples keep their labels, quoted commas and escapes included', () => {
  const waiters = parseSamples(SCRAPE).filter((s) => s.name === 'signal_longpoll_waiters');
  expect(waiters.map((s) => [s.labels.service, s.value])).toEqual([
    ['signaling', 7],
    ['other, \\"quoted\\"', 3],
  ]);
  expect(metricTotal(SCRAPE, 'signal_longpoll_waiters')).toBe(10);
  expect(metricTotal(SCRAPE, 'absent_metric')).toBeUndefined();
});

test('store operation counts are keyed store.op.outcome and diffed per key', () => {
  const before = storeOperationCounts(SCRAPE);
  expect(before.get('memory.sdp_get.ok')).toBe(4);
  const after = new Map(before).set('memory.sdp_get.ok', 6).set('memory.sdp_delete.ok', 1);
  expect([...countDelta(before, after)]).toEqual([
    ['memory.sdp_get.ok', 2],
    ['memory.sdp_delete.ok', 1],
  ]);
});

test('reads are the get operations of any store', () => {
  expect(['memory.sdp_get.ok', 'cosmos.session_get.miss', 'memory.sdp_put.ok', 'memory.sdp_delete.ok'].map(isReadOperation)).toEqual([true, true, false, false]);
});
