/**
 * Client addresses behind every documented ingress path: each path's real X-Forwarded-For, sent
 * through a running Signal with the TRUST_PROXY the chart renders for that path, must give one
 * rate-limit bucket per client, whatever its source port, and no library warning.
 */
import { pino } from 'pino';
import { startSignal } from '../../test-support/signal/harness.ts';
import { bareAddress } from '@signal/common/http/client-address';
import { INGRESS_PATHS, type Client, type IngressPath } from './support/ingress-paths.ts';

const LIMIT = 2;

async function statuses(path: IngressPath, requests: { client: Client; sent?: string }[]): Promise<{ codes: number[]; logs: string[] }> {
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => logs.push(line) });
  const signal = await startSignal({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: String(LIMIT), TRUST_PROXY: String(path.trustProxy) }, logger });
  try {
    const codes: number[] = [];
    for (const { client, sent } of requests) {
      const res = await fetch(`${signal.url}/openapi.json`, { headers: { 'x-forwarded-for': path.header(client, sent) } });
      await res.arrayBuffer();
      codes.push(res.status);
    }
    return { codes, logs };
  } finally {
    await signal.shutdown();
  }
}

const fromPorts = (ip: string, ports: number[]) => ports.map((port) => ({ client: { ip, port } }));

describe.each(INGRESS_PATHS.map((path) => [path.name, path] as const))('%s', (_name, path) => {
  test('new source ports of one client share its bucket; the library logs no invalid address', async () => {
    const { codes, logs } = await statuses(path, fromPorts('203.0.113.7', [51234, 51235, 51236, 51237]));
    expect(codes).toEqual([200, 200, 429, 429]);
    expect(logs.filter((line) => line.includes('ERR_ERL'))).toEqual([]);
  });

  test(path.tellsClientsApart ? 'another client has its own bucket' : 'every client shares one bucket (what the docs warn about)', async () => {
    const { codes } = await statuses(path, [...fromPorts('203.0.113.7', [1, 2]), ...fromPorts('198.51.100.9', [3])]);
    expect(codes).toEqual([200, 200, path.tellsClientsApart ? 200 : 429]);
  });
});

test('Application Gateway: an IPv6 client is one client across ports, and a forged entry before it changes nothing', async () => {
  const appgw = INGRESS_PATHS.find((path) => path.name.startsWith('Application Gateway (AGIC)'))!;
  const { codes } = await statuses(appgw, [
    { client: { ip: '2001:db8:1:2::7', port: 40000 } },
    { client: { ip: '2001:db8:1:2::7', port: 40001 }, sent: '192.0.2.1' },
    { client: { ip: '2001:db8:1:2::7', port: 40002 }, sent: '192.0.2.2' },
    { client: { ip: '2001:db8:9::7', port: 40003 } },
  ]);
  expect(codes).toEqual([200, 200, 429, 200]);
});

test.each([
  ['203.0.113.7:51234', '203.0.113.7'],
  ['[2001:db8::1]:443', '2001:db8::1'],
  ['[2001:DB8::1]', '2001:db8::1'],
  ['2001:db8::1', '2001:db8::1'],
  ['::ffff:203.0.113.7', '203.0.113.7'],
  [' 203.0.113.7 ', '203.0.113.7'],
  ['unknown', undefined],
  ['203.0.113.7:port', undefined],
  ['[203.0.113.7]:99999999', undefined],
  [undefined, undefined],
])('bareAddress(%j) is %j', (written, bare) => {
  expect(bareAddress(written)).toBe(bare);
});
