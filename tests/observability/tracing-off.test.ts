/**
 * With no SDK started (tracing off) the helpers must stay transparent: the wrapped work runs
 * and fails exactly as without them, and nothing pretends to be a trace.
 */
import { expect, test } from '@jest/globals';
import {
  currentTraceIds,
  injectTraceparent,
  shutdownTracing,
  withRemoteParent,
  withSpan,
} from '../../libs/common/src/observability/tracing.ts';

test('withSpan runs the work and passes results and errors through', async () => {
  expect(await withSpan('sdp.put', { 'signal.store': 'memory' }, async () => 'stored')).toBe('stored');
  const failure = new Error('boom');
  await expect(withSpan('sdp.put', {}, async () => Promise.reject(failure))).rejects.toBe(failure);
});

test('no trace ids, no traceparent, and a remote parent is ignored', async () => {
  const seen = await withSpan('bus.publish', {}, async () => ({ ids: currentTraceIds(), traceparent: injectTraceparent() }));
  expect(seen).toEqual({ ids: undefined, traceparent: undefined });
  const remote = withRemoteParent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', () => currentTraceIds());
  expect(remote).toBeUndefined();
  await expect(shutdownTracing()).resolves.toBeUndefined();
});
