import { expect, test } from '@jest/globals';
import { Metrics } from '../../src/observability/metrics.ts';

test('the throttle counter exists at 0 for every operation Cosmos has charged, before its first 429', async () => {
  const metrics = new Metrics('signaling');
  expect(await metrics.registry.metrics()).not.toMatch(/^signal_cosmos_throttled_requests_total\{/m);
  metrics.cosmosRequestUnits.inc({ op: 'sdp_put' }, 6);
  expect(await metrics.registry.metrics()).toMatch(/^signal_cosmos_throttled_requests_total\{op="sdp_put",service="signaling"\} 0$/m);
  metrics.cosmosThrottled.inc({ op: 'sdp_put' });
  expect(await metrics.registry.metrics()).toMatch(/^signal_cosmos_throttled_requests_total\{op="sdp_put",service="signaling"\} 1$/m);
});
