/**
 * Round three of the red team, the served OpenAPI document: its `servers` came from the request's
 * Host header (and X-Forwarded-Host under TRUST_PROXY), so whoever could get a cache or a
 * generated client to store the document could point clients at their own origin. It now comes
 * from PUBLIC_URL, or is the relative '/'.
 */
import { loadConfig } from '@signal/common/config/config';
import { ConfigError } from '@signal/common/config/env-reader';
import { rawRequest } from './support/raw-http.ts';
import { withSignal } from './support/with-signal.ts';

async function serversFor(port: number, headers: [string, string][]): Promise<string[]> {
  const res = await rawRequest(port, { method: 'GET', target: '/openapi.json', headers });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body.toString('utf8')) as { servers: { url: string }[] }).servers.map((server) => server.url);
}

const FORGED: [string, string][][] = [
  [['Host', 'attacker.example']],
  [['Host', 'attacker.example'], ['X-Forwarded-Host', 'attacker.example'], ['X-Forwarded-Proto', 'https']],
];

test("neither Host nor X-Forwarded-Host (trusted proxy or not) reaches servers: it is '/' without PUBLIC_URL", async () => {
  for (const trustProxy of ['0', '1']) {
    await withSignal({ TRUST_PROXY: trustProxy }, async (signal) => {
      for (const headers of FORGED) expect({ trustProxy, headers, servers: await serversFor(signal.port, headers) }).toEqual({ trustProxy, headers, servers: ['/'] });
    });
  }
});

test('with PUBLIC_URL, servers is that URL whatever the request says', async () => {
  await withSignal({ TRUST_PROXY: '1', PUBLIC_URL: 'https://signal.example.org/' }, async (signal) => {
    for (const headers of FORGED) expect(await serversFor(signal.port, headers)).toEqual(['https://signal.example.org']);
  });
});

test('PUBLIC_URL must be an absolute http(s) URL without query, fragment or credentials', () => {
  for (const bad of ['signal.example.org', 'ftp://signal.example.org', 'https://signal.example.org/?x=1', 'https://signal.example.org/#top', 'https://user:pw@signal.example.org']) {
    expect(() => loadConfig({ PUBLIC_URL: bad }, 'signaling', () => '')).toThrow(ConfigError);
  }
  expect(loadConfig({ PUBLIC_URL: 'https://example.org/signal/' }, 'signaling', () => '').http.publicUrl).toBe('https://example.org/signal');
});
