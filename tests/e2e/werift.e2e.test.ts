import { leave, selectedCandidatePair, type RoomRef } from '../../services/all-in-one/public/demo/signal-client.js';
import { turnRestCredential } from '../../test-support/coturn/turn-rest-credential.ts';
import { tryTurnAllocation } from '../../test-support/coturn/uclient.ts';
import { startCuttingProxy } from './support/cutting-proxy.ts';
import { logIn, newRoom, startStack, type Stack, type TestUser } from './support/stack.ts';
import { answererAsked, connectThroughSignal } from './support/werift-call.ts';
import { closePair, exchangeMessages, weriftPeer, type ConnectedPair } from './support/werift-peer.ts';

// Covers a first-run apt-get install of coturn; an installed machine starts in about a second.
const SETUP_TIMEOUT_MS = 10 * 60_000;
const MESSAGE_TIMEOUT_MS = 5_000;
// Never reached when long-poll works: a fallback to polling would stall the test instead of passing.
const NO_POLLING = { pollIntervalMs: 120_000 };

let stack: Stack;
const open = new Set<ConnectedPair>();

beforeAll(async () => {
  stack = await startStack();
}, SETUP_TIMEOUT_MS);

async function closeOpenPairs(): Promise<void> {
  await Promise.all([...open].map(closePair));
  open.clear();
}

afterEach(closeOpenPairs);

afterAll(async () => {
  await stack?.stop();
});

async function connect(offerer: TestUser, answerer: TestUser, room: RoomRef, offerWhen = answererAsked): Promise<ConnectedPair> {
  const pair = await connectThroughSignal(offerer, answerer, room, offerWhen);
  open.add(pair);
  return pair;
}

const requestsTo = (user: TestUser, method: string, pathname: string) =>
  user.requests.filter((request) => request.method === method && request.url.pathname === pathname);

const isWithin = (port: number | undefined, { min, max }: { min: number; max: number }) => port !== undefined && port >= min && port <= max;

const iceUfrag = (sdp: string | undefined) => /^a=ice-ufrag:(\S+)/m.exec(sdp ?? '')?.[1];

test('long-poll handshake: a relay-only data channel through coturn carries messages both ways', async () => {
  const [alice, bob] = await Promise.all([logIn(stack, 'alice', NO_POLLING), logIn(stack, 'bob', NO_POLLING)]);
  const room = newRoom();

  const config = await alice.client.rtcConfiguration();
  expect(config.iceTransportPolicy).toBe('relay');
  expect(config.iceServers).toEqual([{ urls: stack.coturn.url, username: expect.stringMatching(/^\d+:turntls$/), credential: expect.any(String) }]);

  const pair = await connect(alice, bob, room);
  await expect(exchangeMessages(pair, MESSAGE_TIMEOUT_MS)).resolves.toEqual({
    atAnswerer: 'ping from offerer',
    atOfferer: 'pong for "ping from offerer"',
  });

  for (const pc of [pair.offerer, pair.answerer]) {
    const selected = await selectedCandidatePair(pc);
    const ends = [selected?.local, selected?.remote].map((end) => ({
      type: end?.candidateType,
      address: end?.address,
      protocol: end?.protocol,
      allocatedByOurCoturn: isWithin(end?.port, stack.coturn.relayPorts),
    }));
    const relayed = { type: 'relay', address: '127.0.0.1', protocol: 'udp', allocatedByOurCoturn: true };
    expect(ends).toEqual([relayed, relayed]);
  }

  // Each side asked once and was held until the other side posted: long-poll, not polling.
  for (const [user, type] of [[bob, 'offer'], [alice, 'answer']] as const) {
    const reads = requestsTo(user, 'GET', `/${type}`);
    expect(reads.map((request) => [request.url.searchParams.get('wait'), request.status])).toEqual([['25', 200]]);
    expect(user.client.mode).toBe('long-poll');
  }

  await leave(alice.client, bob.uuid, room);
  await Promise.all([alice.client.logout(), bob.client.logout()]);
  await expect(alice.client.rtcConfiguration()).rejects.toMatchObject({ name: 'SignalError', status: 401 });
});

test("coturn accepts Signal's TURN credentials, in the suffix and the peer form, and refuses expired or wrongly signed ones", async () => {
  const alice = await logIn(stack, 'alice');
  const [server] = (await alice.client.rtcConfiguration()).iceServers;
  if (!server?.username || !server.credential) throw new Error(`no TURN credentials from /ice_servers: ${JSON.stringify(server)}`);
  const expiresAt = Number(server.username.split(':')[0]);
  expect(expiresAt).toBeGreaterThan(Date.now() / 1000);
  // Recomputed here from the shared secret, independently of the ice service.
  const suffix = server.username.slice(server.username.indexOf(':') + 1);
  expect(turnRestCredential(stack.turnSecret, expiresAt, suffix).credential).toBe(server.credential);

  const now = Math.floor(Date.now() / 1000);
  const target = { host: stack.coturn.host, port: stack.coturn.port };
  const expired = turnRestCredential(stack.turnSecret, now - 60);
  const wrongSecret = turnRestCredential(`not-${stack.turnSecret}`, now + 3600);
  // TURN_USERNAME=peer's form: coturn's REST auth reads the expiry before the first colon and signs the rest as is.
  const peerForm = turnRestCredential(stack.turnSecret, now + 3600, alice.uuid);

  // werift gives up on refused credentials silently after ~13 s: run it beside the uclient checks.
  const weriftWithExpired = weriftPeer({ iceServers: [{ urls: stack.coturn.url, ...expired }], iceTransportPolicy: 'relay', iceCandidatePoolSize: 0 });
  weriftWithExpired.createDataChannel('probe');
  const [accepted, acceptedPeerForm, refusedExpired, refusedWrongSecret, expiredOffer] = await Promise.all([
    tryTurnAllocation({ ...target, username: server.username, credential: server.credential }),
    tryTurnAllocation({ ...target, ...peerForm }),
    tryTurnAllocation({ ...target, ...expired }),
    tryTurnAllocation({ ...target, ...wrongSecret }),
    weriftWithExpired.createOffer().then(async (offer) => {
      await weriftWithExpired.setLocalDescription(offer);
      return weriftWithExpired.localDescription?.sdp ?? '';
    }),
  ]).finally(() => weriftWithExpired.close());

  expect({ accepted: accepted.accepted, output: accepted.output.slice(-500) }).toMatchObject({ accepted: true });
  expect({ accepted: acceptedPeerForm.accepted, output: acceptedPeerForm.output.slice(-500) }).toMatchObject({ accepted: true });
  expect({ accepted: refusedExpired.accepted, output: refusedExpired.output.slice(-500) }).toMatchObject({ accepted: false });
  expect({ accepted: refusedWrongSecret.accepted, output: refusedWrongSecret.output.slice(-500) }).toMatchObject({ accepted: false });
  expect(expiredOffer).not.toMatch(/typ relay/);
}, 30_000);

test('polling clients that never send wait connect the way the original clients do', async () => {
  const polling = { longPoll: false, pollIntervalMs: 200 };
  const [alice, bob] = await Promise.all([logIn(stack, 'alice', polling), logIn(stack, 'bob', polling)]);
  const room = newRoom();

  // Alice offers only after bob's first poll came back empty, so the test sees polling, not a lucky first read.
  const pair = await connect(alice, bob, room, (answerer) => answerer.sent((request) => request.url.pathname === '/offer', 2));
  await expect(exchangeMessages(pair, MESSAGE_TIMEOUT_MS)).resolves.toMatchObject({ atAnswerer: 'ping from offerer' });

  for (const user of [alice, bob]) {
    expect(user.requests.filter((request) => request.url.searchParams.has('wait'))).toEqual([]);
  }
  const offerReads = requestsTo(bob, 'GET', '/offer').map((request) => request.status);
  expect(offerReads.length).toBeGreaterThanOrEqual(3);
  expect(offerReads).toEqual([...offerReads.slice(0, -1).map(() => 204), 200]);
});

describe('a long-poll client adapts when long-poll is not available', () => {
  const fast = { pollIntervalMs: 200 };
  const offerReads = (user: TestUser) => requestsTo(user, 'GET', '/offer').map((request) => [request.url.searchParams.get('wait'), request.status]);
  const readsSent = (match: (wait: string | null) => boolean, count: number) => (answerer: TestUser) =>
    answerer.sent((request) => request.url.pathname === '/offer' && match(request.url.searchParams.get('wait')), count);

  test('a server that refuses wait (400): halve it down to polling', async () => {
    const noLongPoll = await startStack({ env: { LONGPOLL_MAX_SECONDS: '0' } });
    try {
      const [alice, bob] = await Promise.all([logIn(noLongPoll, 'alice', fast), logIn(noLongPoll, 'bob', fast)]);
      // Alice offers once bob has given up on long-poll: five refused waits (25, 12, 6, 3, 1 s), each
      // followed at once by the same read without wait, then one plain poll.
      const pair = await connect(alice, bob, newRoom(), readsSent((wait) => wait === null, 6));
      await expect(exchangeMessages(pair, MESSAGE_TIMEOUT_MS)).resolves.toMatchObject({ atOfferer: 'pong for "ping from offerer"' });

      expect(bob.client.mode).toBe('polling');
      const reads = offerReads(bob);
      expect(reads.slice(0, 10)).toEqual(['25', '12', '6', '3', '1'].flatMap((wait) => [[wait, 400], [null, 204]]));
      expect(reads.slice(10)).toEqual([...reads.slice(10, -1).map(() => [null, 204]), [null, 200]]);
    } finally {
      await closeOpenPairs();
      await noLongPoll.stop();
    }
  });

  test('a server that ignores wait, as the original service does: poll after three early empty answers', async () => {
    const asOriginalService = (url: URL) => {
      const stripped = new URL(url);
      stripped.searchParams.delete('wait');
      return stripped;
    };
    const [alice, bob] = await Promise.all([logIn(stack, 'alice', fast, { rewriteUrl: asOriginalService }), logIn(stack, 'bob', fast, { rewriteUrl: asOriginalService })]);
    const pair = await connect(alice, bob, newRoom(), readsSent((wait) => wait === null, 1));
    await expect(exchangeMessages(pair, MESSAGE_TIMEOUT_MS)).resolves.toMatchObject({ atAnswerer: 'ping from offerer' });

    expect(bob.client.mode).toBe('polling');
    const reads = offerReads(bob);
    expect(reads.slice(0, 3)).toEqual([['25', 204], ['25', 204], ['25', 204]]);
    expect(reads.slice(3)).toEqual([...reads.slice(3, -1).map(() => [null, 204]), [null, 200]]);
  });

  test('a proxy that cuts held requests (504): halve the wait until it fits, keep long-polling', async () => {
    // Signal holds a 1 s wait well inside the proxy's 1.5 s; a 2 s wait is cut.
    const proxy = await startCuttingProxy(stack.signal.baseUrl, 1500);
    try {
      const options = { ...fast, baseUrl: proxy.url, longPollSeconds: 2 };
      const [alice, bob] = await Promise.all([logIn(stack, 'alice', options), logIn(stack, 'bob', options)]);
      // Alice offers once bob's 1 s wait has been held through the proxy once.
      const pair = await connect(alice, bob, newRoom(), readsSent((wait) => wait === '1', 2));
      await expect(exchangeMessages(pair, MESSAGE_TIMEOUT_MS)).resolves.toMatchObject({ atAnswerer: 'ping from offerer' });

      expect(bob.client.mode).toBe('long-poll');
      const reads = offerReads(bob);
      expect(reads.slice(0, 2)).toEqual([['2', 504], ['1', 204]]);
      expect(reads.slice(2)).toEqual([...reads.slice(2, -1).map(() => ['1', 204]), ['1', 200]]);
    } finally {
      await closeOpenPairs();
      await proxy.close();
    }
  });
});

test('after /expire the old SDPs are gone, and a renegotiation uses only the new ones', async () => {
  const [alice, bob] = await Promise.all([logIn(stack, 'alice', NO_POLLING), logIn(stack, 'bob', NO_POLLING)]);
  const room = newRoom();

  const first = await connect(alice, bob, room);
  const firstOffer = iceUfrag(first.offerer.localDescription?.sdp);
  const firstAnswer = iceUfrag(first.answerer.localDescription?.sdp);
  await leave(alice.client, bob.uuid, room);
  await closePair(first);
  open.delete(first);

  // A single immediate read each: nothing to serve once expired.
  await expect(bob.client.receive('offer', alice.uuid, room, { timeoutMs: 0 })).resolves.toBeUndefined();
  await expect(alice.client.receive('answer', bob.uuid, room, { timeoutMs: 0 })).resolves.toBeUndefined();

  const second = await connect(alice, bob, room);
  await expect(exchangeMessages(second, MESSAGE_TIMEOUT_MS)).resolves.toMatchObject({ atAnswerer: 'ping from offerer' });
  const offerBobApplied = iceUfrag(second.answerer.remoteDescription?.sdp);
  const answerAliceApplied = iceUfrag(second.offerer.remoteDescription?.sdp);
  expect(offerBobApplied).toBe(iceUfrag(second.offerer.localDescription?.sdp));
  expect(answerAliceApplied).toBe(iceUfrag(second.answerer.localDescription?.sdp));
  expect([offerBobApplied, answerAliceApplied]).not.toContain(firstOffer);
  expect([offerBobApplied, answerAliceApplied]).not.toContain(firstAnswer);
});
