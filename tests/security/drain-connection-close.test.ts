/**
 * During the SIGTERM drain every answer says `Connection: close`, also those to requests that
 * began before the signal (a parked long-poll, an upload in progress): a client re-polling on the
 * same keep-alive socket would otherwise meet a connection being torn down (ECONNRESET).
 * A real all-in-one process, real sockets.
 */
import { randomUUID } from 'node:crypto';
import { startChildService } from '../../test-support/signal/child-service.ts';
import { login, ROOM, sdpQuery, sdpText } from '../../test-support/signal/harness.ts';
import { openConnection } from './support/raw-http.ts';

async function waiters(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^signal_longpoll_waiters(?:\{[^}]*\})? (\d+)$/m.exec(text)?.[1] ?? 0);
}

test('answers to requests begun before SIGTERM carry Connection: close', async () => {
  const signal = await startChildService('all-in-one');
  try {
    const [alice, bob] = [await login(signal.url), await login(signal.url)];
    // Keep-alive sockets, as browsers and the ingress use: no Connection: close from the client.
    const poll = await openConnection(signal.port, 15_000);
    poll.send(`GET /offer?${sdpQuery(randomUUID(), { wait: '20' })} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${bob.cookie}\r\n\r\n`);
    const body = Buffer.from(JSON.stringify({ to: bob.uuid, sdp: sdpText('across the drain'), room: ROOM }));
    const upload = await openConnection(signal.port, 15_000);
    upload.send(`POST /offer HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${alice.cookie}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    upload.send(body.subarray(0, 20));
    const until = Date.now() + 5000;
    while ((await waiters(signal.url)) < 1 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));

    const exited = signal.stop();
    const polled = await poll.answer;
    expect({ status: polled.status, connection: polled.headers.connection }).toEqual({ status: 204, connection: 'close' });
    upload.send(body.subarray(20));
    const uploaded = await upload.answer;
    expect({ status: uploaded.status, connection: uploaded.headers.connection }).toEqual({ status: 200, connection: 'close' });
    expect(await exited).toBe(0);
  } finally {
    await signal.kill();
  }
}, 30_000);
