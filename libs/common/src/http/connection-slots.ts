import type { Server } from 'node:http';
import { BlockList, isIP, type Socket } from 'node:net';
import type { HttpConfig } from '../config/config.ts';
import { bareAddress } from './client-address.ts';

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** Whether a peer address is one of the trusted proxies (TRUST_PROXY_ADDRESSES: IPs and CIDR ranges). */
export function proxyMatcher(entries: readonly string[]): (address: string) => boolean {
  const proxies = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    if (prefix === undefined) proxies.addAddress(address, family(address));
    else proxies.addSubnet(address, Number(prefix), family(address));
  }
  return (address) => isIP(address) !== 0 && proxies.check(address, family(address));
}

/**
 * Keeps one client from holding the process's connection slots (HTTP_MAX_CONNECTIONS): a client
 * address may hold HTTP_MAX_CONNECTIONS_PER_CLIENT connections, and a new one beyond is closed at
 * once; a client's connection idle HTTP_CLIENT_KEEP_ALIVE_SECONDS between requests is closed.
 * The trusted proxies are neither counted nor hurried: an ingress carries many clients on its
 * connections and reuses them for up to a minute, so it keeps the server's long keep-alive.
 */
export function guardConnectionSlots(server: Server, http: HttpConfig): void {
  const isProxy = proxyMatcher(http.proxyAddresses);
  const openPerClient = new Map<string, number>();
  const clientSockets = new WeakMap<Socket, { inFlight: number; idle?: NodeJS.Timeout }>();
  // One timer per connection, re-armed as each response ends rather than a new one per request;
  // it closes the connection only if no request came in since.
  const closeIfIdle = (socket: Socket) => {
    if (clientSockets.get(socket)?.inFlight === 0) socket.destroy();
  };
  const keepAliveMs = http.clientKeepAliveSeconds * 1000;

  server.on('connection', (socket: Socket) => {
    const address = bareAddress(socket.remoteAddress) ?? 'unknown';
    if (isProxy(address)) return;
    const open = (openPerClient.get(address) ?? 0) + 1;
    if (http.maxConnectionsPerClient > 0 && open > http.maxConnectionsPerClient) {
      socket.destroy();
      return;
    }
    openPerClient.set(address, open);
    const state: { inFlight: number; idle?: NodeJS.Timeout } = { inFlight: 0 };
    clientSockets.set(socket, state);
    // 'close' comes once per socket: `on`, since `once` wraps the listener of every held connection.
    socket.on('close', () => {
      clearTimeout(state.idle);
      const left = (openPerClient.get(address) ?? 1) - 1;
      if (left > 0) openPerClient.set(address, left);
      else openPerClient.delete(address);
    });
  });

  // Ahead of the app, which may answer before later listeners run.
  server.prependListener('request', (req, res) => {
    const state = clientSockets.get(req.socket);
    if (state === undefined) return;
    state.inFlight += 1;
    // The `Keep-Alive: timeout=` Node writes comes from this field (set from the server's
    // keepAliveTimeout just before 'request'): clients told the real figure stop reusing the
    // connection before it closes, instead of sending a request into a closing socket.
    (res as typeof res & { _keepAliveTimeout: number })._keepAliveTimeout = keepAliveMs;
    // 'close' comes once per response: `on`, since `once` wraps each listener for as long as a long-poll waits.
    res.on('close', () => {
      state.inFlight -= 1;
      if (state.inFlight === 0) state.idle = state.idle?.refresh() ?? setTimeout(closeIfIdle, keepAliveMs, req.socket).unref();
    });
  });
}
