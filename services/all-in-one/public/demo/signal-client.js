// Signal browser client: everything a page needs to connect two peers through Signal's HTTP API.
// Plain ES module, no dependencies, no build step: copy it (and signal-client.d.ts for TypeScript)
// into a front end. Types and API docs live in signal-client.d.ts. It also runs under Node with an
// injected cookie-keeping fetch and a WebRTC implementation such as werift.

const DEFAULT_LONG_POLL_SECONDS = 25;
const DEFAULT_POLL_INTERVAL_MS = 1000;
const DEFAULT_RECEIVE_TIMEOUT_MS = 60_000;
const DEFAULT_GATHERING_TIMEOUT_MS = 10_000;
// A held request that comes back empty in under this share of its wait was not held; after a few
// in a row the server (or a proxy in front of it) does not support long-poll.
const EARLY_EMPTY_SHARE = 0.5;
const EARLY_EMPTY_LIMIT = 3;
// Extra time a held request may take beyond its wait before the client gives up on the connection.
const REQUEST_GRACE_MS = 10_000;

/** An HTTP failure, with the message from Signal's `{"body": ...}` envelope. */
export class SignalError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'SignalError';
    this.status = status;
  }
}

export class SignalClient {
  #baseUrl;
  #fetch;
  #longPollSeconds;
  #pollIntervalMs;
  #mode;
  #session;

  constructor(options = {}) {
    this.#baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#longPollSeconds = options.longPollSeconds ?? DEFAULT_LONG_POLL_SECONDS;
    this.#pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.#mode = options.longPoll === false ? 'polling' : 'long-poll';
  }

  get session() {
    return this.#session;
  }

  get mode() {
    return this.#mode;
  }

  async login(token) {
    const { session } = await this.#request('/login', { headers: { authorization: `Bearer ${token}` } });
    this.#session = session;
    return session;
  }

  async rtcConfiguration() {
    // The body is a JSON string holding JSON (kept from the original service): parse twice. Its
    // `con` part (legacy DtlsSrtpKeyAgreement constraints) is obsolete: browsers always use DTLS-SRTP.
    const body = await this.#request('/ice_servers');
    const { cfg } = typeof body === 'string' ? JSON.parse(body) : body;
    return {
      iceServers: cfg.iceServers.map(({ urls, hasCredentials, username, credential }) =>
        hasCredentials ? { urls, username, credential } : { urls },
      ),
      iceTransportPolicy: cfg.iceTransportPolicy,
      iceCandidatePoolSize: cfg.iceCandidatePoolSize,
    };
  }

  async send(type, to, sdp, room) {
    await this.#request(`/${type}?${roomQuery(room)}`, { method: 'POST', body: { to, sdp, room: roomRef(room) } });
  }

  async receive(type, from, room, options = {}) {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_RECEIVE_TIMEOUT_MS);
    const query = { signalId: from, room: room.uuid, shortname: room.shortname };
    let earlyEmpties = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      let wait = this.#mode === 'long-poll' ? Math.min(this.#longPollSeconds, Math.floor((deadline - Date.now()) / 1000)) : 0;
      const startedAt = Date.now();
      let outcome = await this.#tryReceive(type, query, wait, options.signal);
      if (outcome.waitRejected) {
        // Asked again without wait: that throws if the request itself is bad, so getting past it
        // means the server takes shorter waits (or none).
        this.#shortenWait();
        wait = 0;
        outcome = await this.#tryReceive(type, query, wait, options.signal);
      }
      if (outcome.message) return outcome.message;
      if (outcome.proxyCut && wait > 0) this.#shortenWait();
      if (outcome.empty && wait > 0) {
        const held = Date.now() - startedAt >= wait * 1000 * EARLY_EMPTY_SHARE;
        if (held) {
          earlyEmpties = 0;
          continue;
        }
        earlyEmpties += 1;
        if (earlyEmpties >= EARLY_EMPTY_LIMIT) this.#mode = 'polling';
      }
      const pauseMs = Math.min(Math.max(this.#pollIntervalMs, outcome.retryAfterMs ?? 0), deadline - Date.now());
      if (pauseMs <= 0) return undefined;
      await sleep(pauseMs, options.signal);
    }
  }

  async expire(type, peer, room, options = {}) {
    const source = this.#session?.uuid;
    if (!source) throw new SignalError(0, 'Not logged in');
    await this.#request(`/expire?${roomQuery(room)}`, {
      method: 'POST',
      body: { source, type, destination: peer, room: roomRef(room) },
      keepalive: options.keepalive,
    });
  }

  async logout() {
    await this.#request('/logout');
    this.#session = undefined;
  }

  /** Halves the long-poll wait after the server or a proxy refused it; polls once none is left. */
  #shortenWait() {
    this.#longPollSeconds = Math.floor(this.#longPollSeconds / 2);
    if (this.#longPollSeconds < 1) this.#mode = 'polling';
  }

  /** One GET /offer|/answer: a message, an empty answer, or a reason to change strategy. */
  async #tryReceive(type, query, wait, signal) {
    const timeout = AbortSignal.timeout(wait * 1000 + REQUEST_GRACE_MS);
    const search = new URLSearchParams(wait > 0 ? { ...query, wait: String(wait) } : query);
    let response;
    try {
      response = await this.#fetch(`${this.#baseUrl}/${type}?${search}`, {
        credentials: 'include',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      signal?.throwIfAborted();
      // Network failures and hung connections are retried at the polling pace.
      return { failed: error };
    }
    if (response.status === 200) return { message: await response.json() };
    if (response.status === 204) return { empty: true };
    if (response.status === 400 && wait > 0) {
      // Servers reject a wait above their maximum (or any wait, when long-poll is off or predates them).
      await response.body?.cancel();
      return { waitRejected: true };
    }
    if (response.status === 504 || response.status === 408) {
      await response.body?.cancel();
      return { proxyCut: true };
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const retryAfter = Number(response.headers.get('retry-after'));
      return { failed: response.status, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined };
    }
    throw await signalError(response);
  }

  async #request(path, init = {}) {
    const headers = { ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(`${this.#baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'include',
      keepalive: init.keepalive,
    });
    if (!response.ok) throw await signalError(response);
    const text = await response.text();
    return text ? JSON.parse(text) : undefined;
  }
}

/** Makes the offer, sends it once ICE gathering is done (no trickle), and applies the answer. */
export async function call(client, pc, peer, room, options = {}) {
  // A previous call's SDPs between the two must not be mistaken for this one's.
  await leave(client, peer, room);
  await pc.setLocalDescription(await pc.createOffer());
  const offer = await localDescriptionAfterGathering(pc, options.gatheringTimeoutMs);
  await client.send('offer', peer, offer.sdp, room);
  const answer = await client.receive('answer', peer, room, options);
  if (!answer) throw new SignalError(0, `No answer from ${peer}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
}

/** Waits for the peer's offer, then answers it once ICE gathering is done. */
export async function answerCall(client, pc, peer, room, options = {}) {
  const offer = await client.receive('offer', peer, room, options);
  if (!offer) throw new SignalError(0, `No offer from ${peer}`);
  await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  const answer = await localDescriptionAfterGathering(pc, options.gatheringTimeoutMs);
  await client.send('answer', peer, answer.sdp, room);
}

/** Withdraws every SDP between this user and `peer` in `room`, as a client does when leaving. */
export async function leave(client, peer, room, options = {}) {
  await Promise.all([client.expire('offer', peer, room, options), client.expire('answer', peer, room, options)]);
}

/**
 * Both sides can press "connect" in any order: the lower peer id makes the offer, the other answers.
 * Peer ids are UUIDs, so plain string order is total and the same on both sides.
 */
export function isOfferer(myId, peerId) {
  return myId < peerId;
}

/** The local description once gathering is complete, or after `timeoutMs` with what was gathered. */
export async function localDescriptionAfterGathering(pc, timeoutMs = DEFAULT_GATHERING_TIMEOUT_MS) {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((resolve) => {
      const done = () => {
        if (pc.iceGatheringState !== 'complete') return;
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', done);
        resolve();
      };
      const timer = setTimeout(() => {
        pc.removeEventListener('icegatheringstatechange', done);
        resolve();
      }, timeoutMs);
      pc.addEventListener('icegatheringstatechange', done);
      done();
    });
  }
  return pc.localDescription;
}

/** The candidate pair ICE selected, from standard stats; undefined before connection. */
export async function selectedCandidatePair(pc) {
  const stats = [...(await pc.getStats()).values()];
  const byId = new Map(stats.map((report) => [report.id, report]));
  const transport = stats.find((report) => report.type === 'transport' && report.selectedCandidatePairId);
  const pair = transport
    ? byId.get(transport.selectedCandidatePairId)
    : stats.find((report) => report.type === 'candidate-pair' && report.nominated && report.state === 'succeeded');
  if (!pair) return undefined;
  const describe = (candidate) => candidate && { candidateType: candidate.candidateType, address: candidate.address, port: candidate.port, protocol: candidate.protocol };
  return { local: describe(byId.get(pair.localCandidateId)), remote: describe(byId.get(pair.remoteCandidateId)) };
}

function roomRef(room) {
  return { uuid: room.uuid, shortname: room.shortname };
}

/** The room in the query too, so that an ingress hashing on `room` sends it where its GETs go. */
function roomQuery(room) {
  return new URLSearchParams({ room: room.uuid }).toString();
}

async function signalError(response) {
  const text = await response.text();
  let message = text || response.statusText;
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.body === 'string') message = parsed.body;
  } catch {
    // Not the JSON envelope (a proxy's error page, say): keep the raw text.
  }
  return new SignalError(response.status, message);
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
