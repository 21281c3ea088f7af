import { connect } from 'node:net';
import { request } from 'undici';
import { systemClock } from '@signal/common/clock';
import { HttpWakeups } from '../../src/wakeups/http/http-wakeups.ts';
import { encodeBatch } from '../../src/wakeups/http/hint-batch.ts';
import { parseAddress } from '../../src/wakeups/http/wakeup-address.ts';
import { FRESHNESS_MS, signRequest } from '../../src/wakeups/http/wakeup-mac.ts';
import type { WakeupHint, Wakeups } from '../../src/wakeups/wakeups.ts';
import { newHint } from './wakeups.contract.ts';

const [OLD, NEW, OTHER] = ['the old wake-up secret, over thirty-two characters', 'the new wake-up secret, over thirty-two characters', 'somebody else’s secret of thirty-two characters'];

let receiver: Wakeups;
let refused: string[];
let got: WakeupHint[];

async function startReceiver(secrets: string[]): Promise<void> {
  refused = [];
  got = [];
  receiver = await HttpWakeups.start({ port: 0, listenHost: '127.0.0.1', advertiseHost: '127.0.0.1', secrets, clock: systemClock, onRefused: (reason) => refused.push(reason) });
  receiver.onWake((hint) => void got.push(hint));
}

afterEach(() => receiver.close());

const origin = () => `http://127.0.0.1:${parseAddress(receiver.address)!.port}`;

/** A request as a peer would send it, with its parts open to tampering. */
async function post(options: { secret?: string; to?: string; at?: number; body?: Buffer; signedBody?: Buffer; headers?: Record<string, string> } = {}): Promise<number> {
  const body = options.body ?? encodeBatch([newHint()]);
  const headers = options.headers ?? signRequest(Buffer.from(options.secret ?? OLD), options.to ?? receiver.address, options.signedBody ?? body, options.at ?? Date.now());
  const response = await request(`${origin()}/wakeups`, { method: 'POST', headers, body });
  await response.body.dump();
  return response.statusCode;
}

/** Sends only `head` on a fresh connection and resolves with the status line and headers the server answered. */
function headersOnly(head: string): Promise<string> {
  const { port } = parseAddress(receiver.address)!;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (!answer.includes('\r\n\r\n')) return;
      socket.destroy();
      resolve(answer);
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(head);
  });
}

const headLines = (headers: Record<string, string>, length: number) =>
  `POST /wakeups HTTP/1.1\r\nhost: x\r\ncontent-length: ${length}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;

describe('authentication', () => {
  beforeEach(() => startReceiver([OLD]));

  test('a request signed with the shared secret, for this replica, now, is delivered and answered 204', async () => {
    const hint = newHint();
    expect(await post({ body: encodeBatch([hint]) })).toBe(204);
    expect(got).toEqual([hint]);
    expect(refused).toEqual([]);
  });

  test('a request signed with another secret is refused 401 and delivers nothing', async () => {
    expect(await post({ secret: OTHER })).toBe(401);
    expect(got).toEqual([]);
    expect(refused).toEqual(['mac']);
  });

  test('a request older or newer than the freshness window is refused as stale', async () => {
    expect(await post({ at: Date.now() - FRESHNESS_MS - 1_000 })).toBe(401);
    expect(await post({ at: Date.now() + FRESHNESS_MS + 1_000 })).toBe(401);
    expect(got).toEqual([]);
    expect(refused).toEqual(['stale', 'stale']);
  });

  test('the same request sent twice is delivered once: the second is a replay', async () => {
    const body = encodeBatch([newHint()]);
    const headers = signRequest(Buffer.from(OLD), receiver.address, body, Date.now());
    expect(await post({ body, headers })).toBe(204);
    expect(await post({ body, headers })).toBe(401);
    expect(got).toHaveLength(1);
    expect(refused).toEqual(['replay']);
  });

  test('a request signed for another replica (or a previous process on this one’s IP and port) is refused as misdirected', async () => {
    const elsewhere = receiver.address.replace(/^[^@]+@/, 'previousinstance@');
    expect(await post({ to: elsewhere })).toBe(421);
    // Addressed to this replica, but signed for the other: the MAC does not cover this address.
    const body = encodeBatch([newHint()]);
    const headers = { ...signRequest(Buffer.from(OLD), elsewhere, body, Date.now()), 'signal-wakeup-to': receiver.address };
    expect(await post({ body, headers })).toBe(401);
    expect(got).toEqual([]);
    expect(refused).toEqual(['recipient', 'mac']);
  });

  test('a body other than the one signed is refused once read', async () => {
    expect(await post({ body: encodeBatch([newHint()]), signedBody: encodeBatch([newHint()]) })).toBe(400);
    expect(got).toEqual([]);
    expect(refused).toEqual(['body']);
  });

  test('a signed body that is not a batch of hints is refused', async () => {
    expect(await post({ body: Buffer.from('{"hints":[{"room":"r"}]}') })).toBe(400);
    expect(await post({ body: Buffer.from('not json') })).toBe(400);
    expect(refused).toEqual(['body', 'body']);
  });

  test('a request without credentials is answered from its headers alone, its body never awaited', async () => {
    const answer = await headersOnly(headLines({}, 60_000));
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(refused).toEqual(['malformed']);
  });

  test('a request declaring a body over the limit is refused from its headers, credentials or not', async () => {
    const headers = signRequest(Buffer.from(OLD), receiver.address, Buffer.from('x'), Date.now());
    expect(await headersOnly(headLines(headers, 10 * 1024 * 1024))).toMatch(/^HTTP\/1\.1 413 /);
    expect(await headersOnly('POST /wakeups HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n')).toMatch(/^HTTP\/1\.1 413 /);
    expect(refused).toEqual(['length', 'length']);
  });

  test('any other route or method is refused', async () => {
    expect(await headersOnly('GET /wakeups HTTP/1.1\r\nhost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 404 /);
    expect(await headersOnly('POST /other HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n')).toMatch(/^HTTP\/1\.1 404 /);
    expect(refused).toEqual(['route', 'route']);
  });
});

describe('secret rotation (the first secret signs, every one is accepted)', () => {
  test('while the new secret is only accepted, requests signed with the old one still go through', async () => {
    await startReceiver([OLD, NEW]);
    expect(await post({ secret: OLD })).toBe(204);
    expect(await post({ secret: NEW })).toBe(204);
    expect(got).toHaveLength(2);
  });

  test('once the old secret is gone from the list, it is refused', async () => {
    await startReceiver([NEW]);
    expect(await post({ secret: OLD })).toBe(401);
    expect(await post({ secret: NEW })).toBe(204);
    expect(refused).toEqual(['mac']);
  });

  test('a replica signs with the first secret of its list', async () => {
    await startReceiver([NEW]);
    const sender = await HttpWakeups.start({ port: 0, listenHost: '127.0.0.1', advertiseHost: '127.0.0.1', secrets: [NEW, OLD], clock: systemClock, onRefused: () => {} });
    try {
      await sender.wake([receiver.address], newHint());
      expect(got).toHaveLength(1);
      expect(refused).toEqual([]);
    } finally {
      await sender.close();
    }
  });
});
