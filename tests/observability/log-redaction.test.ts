import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import { createLogger } from '@signal/common/observability/logger';
import { currentTraceIds } from '@signal/common/observability/tracing';
import { get, login, post, ROOM, sdpQuery, sdpText, startSignal, tokenFor, type TestSignal } from '../../test-support/signal/harness.ts';

/** Every line Signal logs during a full flow, at the most talkative level. */
const lines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter((line) => line !== ''));
    done();
  },
});

let signal: TestSignal;
beforeAll(async () => {
  const logger = createLogger({ level: 'trace', service: 'all-in-one', mixin: () => currentTraceIds() ?? {}, destination: capture });
  signal = await startSignal({ logger });
});
afterAll(() => signal.shutdown());

test('no cookie, token, TURN credential or SDP body reaches the logs; every line names its service', async () => {
  const secretSdp = sdpText('secret-sdp-marker-7f3a');
  const token = tokenFor({ name: 'Log Test' });
  const loginRes = await fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-log-test-1' } });
  const cookieValue = /sess38b9de00=([^;]+)/.exec(loginRes.headers.get('set-cookie') ?? '')![1]!;
  const cookie = `sess38b9de00=${cookieValue}`;
  const { uuid } = ((await loginRes.json()) as { session: { uuid: string } }).session;
  const peer = await login(signal.url);

  const ice = JSON.parse((await (await get(signal.url, '/ice_servers', cookie)).json()) as string) as { cfg: { iceServers: { credential: string }[] } };
  const turnCredential = ice.cfg.iceServers[0]!.credential;
  await post(signal.url, '/offer', cookie, { to: peer.uuid, sdp: secretSdp, room: ROOM });
  await get(signal.url, `/offer?${sdpQuery(uuid)}`, peer.cookie);
  // Failures log more than successes: a forged token, a bad body, an unknown session.
  const forged = jwt.sign({ sub: 'x' }, 'not-the-secret-but-long-enough-to-sign-with', { algorithm: 'HS256' });
  await fetch(`${signal.url}/login`, { headers: { authorization: `Bearer ${forged}` } });
  await post(signal.url, '/answer', cookie, { to: 'nope', sdp: secretSdp, room: ROOM });
  await get(signal.url, '/ice_servers', 'sess38b9de00=12345678-9abc-4f44-9aba-773c5a9d3465');
  await get(signal.url, '/logout', cookie);
  await new Promise((resolve) => setTimeout(resolve, 50));

  expect(lines.length).toBeGreaterThan(8);
  const all = lines.join('\n');
  for (const secret of [cookieValue, token, forged, turnCredential, 'secret-sdp-marker-7f3a', peer.cookie.split('=')[1]!]) {
    expect(all).not.toContain(secret);
  }
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ service: 'all-in-one' });
  const requestLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'request');
  expect(requestLines.find((entry) => entry.requestId === 'req-log-test-1')).toMatchObject({ method: 'GET', path: '/login', route: '/login', status: 200 });
});

test('redaction blanks secret fields wherever a log call puts them', () => {
  const captured: string[] = [];
  const logger = createLogger({
    level: 'info',
    service: 'test',
    destination: new Writable({ write: (chunk: Buffer, _e, done) => (captured.push(chunk.toString()), done()) }),
  });
  logger.info({ req: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'sess38b9de00=s3cr3t' } }, event: { sdp: 'v=0 body', token: 't0k3n', credential: 'cr3d' } }, 'x');
  const line = captured.join('');
  for (const secret of ['abc.def.ghi', 's3cr3t', 'v=0 body', 't0k3n', 'cr3d']) expect(line).not.toContain(secret);
  expect(line).toContain('[redacted]');
});
