// The protocol's floor: Signal's four-request handshake (POST/GET /offer, POST/GET /answer with
// long-poll) on raw node:http and Maps, with cookie sessions and no validation, TTL or metrics.
// Bench-only: it shows what the wire protocol itself costs on this machine.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { listenAddress } from '../servers/listen-address.ts';

type Sdp = { from: string; sdp: string };
const sessions = new Map<string, string>(); // cookie value -> peer uuid
const sdps = new Map<string, Sdp>(); // room|type|from|to -> latest SDP
const waiters = new Map<string, Set<ServerResponse>>();

const send = (res: ServerResponse, status: number, body?: unknown) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
};
const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; sdp: string; room: { uuid: string } };
};

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://floor');
  if (url.pathname === '/login') {
    const id = randomUUID();
    sessions.set(id, url.searchParams.get('uuid') ?? randomUUID());
    res.setHeader('set-cookie', `sess38b9de00=${id}; Path=/; HttpOnly`);
    return send(res, 200, { session: { uuid: sessions.get(id) } });
  }
  const type = url.pathname.slice(1);
  const me = sessions.get(/sess[0-9a-f]{8}=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '');
  if (type !== 'offer' && type !== 'answer') return send(res, 404, { body: 'Not found' });
  if (me === undefined) return send(res, 401, { body: 'No session' });
  if (req.method === 'POST') {
    const { to, sdp, room } = await readBody(req);
    const key = `${room.uuid}|${type}|${me}|${to}`;
    sdps.set(key, { from: me, sdp });
    for (const waiter of waiters.get(key) ?? []) send(waiter, 200, { from: me, sdp });
    waiters.delete(key);
    return send(res, 200, { body: true });
  }
  const key = `${url.searchParams.get('room')}|${type}|${url.searchParams.get('signalId')}|${me}`;
  const found = sdps.get(key);
  const waitSeconds = Number(url.searchParams.get('wait') ?? 0);
  if (found !== undefined || waitSeconds <= 0) return found ? send(res, 200, found) : send(res, 204);
  const set = waiters.get(key) ?? new Set<ServerResponse>();
  waiters.set(key, set.add(res));
  const forget = () => {
    clearTimeout(timer);
    set.delete(res);
    if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
  };
  const timer = setTimeout(() => {
    forget();
    send(res, 204);
  }, waitSeconds * 1000);
  res.on('close', forget);
}

const { port, host } = listenAddress();
createServer((req, res) => {
  handle(req, res).catch(() => send(res, 400, { body: 'Bad request' }));
}).listen(port, host);
