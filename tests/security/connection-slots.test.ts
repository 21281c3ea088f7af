/**
 * Round three of the red team, connection slots: 100 sockets that each sent one `GET /healthz`
 * and then idled on keep-alive held every slot of HTTP_MAX_CONNECTIONS=100, and new clients
 * failed. Connections are now capped per client address (HTTP_MAX_CONNECTIONS_PER_CLIENT, the
 * trusted proxies exempt) and a client's idle keep-alive ends after HTTP_CLIENT_KEEP_ALIVE_SECONDS,
 * while a proxy's keeps the long timeout ingress controllers rely on. The second client is
 * another loopback address (the whole 127.0.0.0/8 is local on Linux).
 */
import { connect, type Socket } from 'node:net';
import { loadConfig } from '@signal/common/config/config';
import { proxyMatcher } from '@signal/common/http/connection-slots';
import { withSignal } from './support/with-signal.ts';

const ATTACKER = '127.0.0.1';
const VICTIM = '127.0.0.2';

const heads = new WeakMap<Socket, string>();

/** A socket from `localAddress` that got a 200 for `GET /healthz` and is left idle on keep-alive. */
function idleAfterOneRequest(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let head = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.once('close', () => reject(new Error(`closed before an answer (${head.slice(0, 40) || 'nothing read'})`)));
    socket.on('data', (chunk: string) => {
      head += chunk;
      if (head.includes('\r\n\r\n')) {
        heads.set(socket, head);
        resolve(socket);
      }
    });
    socket.once('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: signal.test\r\nConnection: keep-alive\r\n\r\n'));
  });
}

async function statusFrom(port: number, localAddress: string): Promise<string> {
  try {
    const socket = await idleAfterOneRequest(port, localAddress);
    socket.destroy();
    return 'answered';
  } catch (error) {
    return (error as Error).message;
  }
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

test('100 idle keep-alive sockets from one address no longer starve a client from another', async () => {
  await withSignal({ HTTP_MAX_CONNECTIONS: '100', HTTP_MAX_CONNECTIONS_PER_CLIENT: '20' }, async (signal) => {
    const held = (await Promise.allSettled(Array.from({ length: 100 }, () => idleAfterOneRequest(signal.port, ATTACKER))))
      .flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      expect(held.length).toBeLessThanOrEqual(20);
      expect(await statusFrom(signal.port, VICTIM)).toBe('answered');
      // The attacker's own new connections are the ones refused.
      expect(await statusFrom(signal.port, ATTACKER)).not.toBe('answered');
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});

test("a client's idle keep-alive ends after HTTP_CLIENT_KEEP_ALIVE_SECONDS; a trusted proxy's stays, and is not capped", async () => {
  await withSignal(
    { TRUST_PROXY: '1', TRUST_PROXY_ADDRESSES: ATTACKER, HTTP_MAX_CONNECTIONS_PER_CLIENT: '2', HTTP_CLIENT_KEEP_ALIVE_SECONDS: '1' },
    async (signal) => {
      const proxy = await Promise.all(Array.from({ length: 5 }, () => idleAfterOneRequest(signal.port, ATTACKER)));
      const client = await idleAfterOneRequest(signal.port, VICTIM);
      expect(heads.get(client)).toMatch(/\r\nKeep-Alive: timeout=1\r\n/i);
      expect(heads.get(proxy[0]!)).toMatch(/\r\nKeep-Alive: timeout=65\r\n/i);
      try {
        expect(await closedWithin(client, 5000)).toBe(true);
        expect(proxy.filter((socket) => socket.destroyed)).toEqual([]);
      } finally {
        for (const socket of [...proxy, client]) socket.destroy();
      }
    },
  );
});

test("a client's keep-alive counts from its last answer: a connection used again stays open past the first answer's timeout", async () => {
  await withSignal({ HTTP_CLIENT_KEEP_ALIVE_SECONDS: '2' }, async (signal) => {
    const client = await idleAfterOneRequest(signal.port, VICTIM);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const answered = new Promise<void>((resolve) => client.once('data', () => resolve()));
      client.write('GET /healthz HTTP/1.1\r\nHost: signal.test\r\n\r\n');
      await answered;
      // 2.4 s after the first answer, 1.2 s after the second.
      expect(await closedWithin(client, 1200)).toBe(false);
      expect(await closedWithin(client, 5000)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});

test('the per-client cap counts a client\'s open connections: closing some lets it connect again', async () => {
  await withSignal({ HTTP_MAX_CONNECTIONS_PER_CLIENT: '3' }, async (signal) => {
    const held = await Promise.all(Array.from({ length: 3 }, () => idleAfterOneRequest(signal.port, VICTIM)));
    expect(await statusFrom(signal.port, VICTIM)).not.toBe('answered');
    held[0]!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statusFrom(signal.port, VICTIM)).toBe('answered');
    for (const socket of held) socket.destroy();
  });
});

test('TRUST_PROXY_ADDRESSES takes IPs and CIDR ranges; behind TRUST_PROXY hops it defaults to the private networks', () => {
  const http = (env: Record<string, string>) => loadConfig(env, 'signaling', () => '').http;
  expect(http({}).proxyAddresses).toEqual([]);
  expect(http({ TRUST_PROXY: '1' }).proxyAddresses).toEqual(expect.arrayContaining(['10.0.0.0/8', '127.0.0.0/8', 'fc00::/7']));
  expect(http({ TRUST_PROXY: '1', TRUST_PROXY_ADDRESSES: '10.1.0.0/16, 2001:db8::1' }).proxyAddresses).toEqual(['10.1.0.0/16', '2001:db8::1']);
  for (const bad of ['10.0.0.0/33', 'ingress', '10.0.0.0/8/1', '2001:db8::/129', '10.0.0.0/x']) {
    expect(() => loadConfig({ TRUST_PROXY_ADDRESSES: bad }, 'signaling', () => '')).toThrow(/TRUST_PROXY_ADDRESSES entry/);
  }
  const isProxy = proxyMatcher(['10.1.0.0/16', '2001:db8::1']);
  expect(['10.1.2.3', '2001:db8::1', '10.2.0.1', '2001:db8::2', 'unknown'].map(isProxy)).toEqual([true, true, false, false, false]);
});
