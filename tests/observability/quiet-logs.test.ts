/**
 * What the default log level shows of trouble that is not Signal's fault: refused requests as one
 * summary line instead of nothing (or one line each), and a dependency that stays down as one
 * warning without its stack instead of one per request.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DependencyUnavailableError } from '@signal/common/errors';
import { errorHandler } from '@signal/common/http/error-handler';
import { capturedLogger } from '../../test-support/logs/captured-logger.ts';
import { login, post, ROOM, startSignal, type TestSignal } from '../../test-support/signal/harness.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

let signal: TestSignal;
const refusals = capturedLogger('info', 'all-in-one');
beforeAll(async () => {
  signal = await startSignal({ logger: refusals.logger });
});
afterAll(() => signal.shutdown());

test('at info, a burst of 4xx leaves one summary line naming the client, and no line per request', async () => {
  const alice = await login(signal.url);
  const before = refusals.lines().length;
  for (let i = 0; i < 10; i += 1) await post(signal.url, '/offer', alice.cookie, { to: 'not-a-peer', sdp: 'x', room: ROOM });
  for (let i = 0; i < 5; i += 1) await fetch(`${signal.url}/offer`, { method: 'POST' });
  await settle();
  const logged = refusals.lines().slice(before);
  expect(logged.filter((entry) => entry.msg === 'request')).toEqual([]);
  // The first refusal is news at once; the rest wait for the minute's summary.
  expect(logged).toEqual([
    expect.objectContaining({ level: 30, msg: 'requests refused', refused: 1, byStatus: { '400 /offer': 1 }, topClients: [{ client: `peer ${alice.uuid}`, count: 1 }] }),
  ]);
});

test('a dependency down for every request: one warning, no stack, however many requests fail', async () => {
  const { logger, lines } = capturedLogger('info', 'all-in-one');
  const app = express();
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' });
  app.get('/needs-store', () => {
    throw new DependencyUnavailableError('cosmos', cause);
  });
  app.use(errorHandler(logger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/needs-store`;
    for (let i = 0; i < 50; i += 1) expect((await fetch(url)).status).toBe(503);
    await settle();
    const warnings = lines();
    expect(warnings).toEqual([
      expect.objectContaining({ level: 40, msg: 'dependency unavailable', dependency: 'cosmos', error: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:8081', code: 'ECONNREFUSED' } }),
    ]);
    expect(JSON.stringify(warnings)).not.toContain('stack');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
