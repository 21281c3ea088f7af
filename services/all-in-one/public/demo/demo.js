// The /demo/ page: UI around signal-client.js. Everything Signal-specific lives in that module;
// this file only wires buttons to it and shows what happens.
import { answerCall, call, isOfferer, leave, selectedCandidatePair, SignalClient } from './signal-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_ROOM = { uuid: '00000000-0000-4000-8000-00000000de00', shortname: 'signal-demo' };
// Long enough for a person to switch windows and press Connect on the other side.
const NEGOTIATION_TIMEOUT_MS = 5 * 60_000;

const $ = (id) => document.getElementById(id);
// Behind `npm run start:cluster` the ingress stand-in names the pod that answered each request.
const REPLICA_HEADER = 'x-signal-replica';
// With room affinity (its default) every signaling request of the room reaches one pod.
const SIGNALING_PATHS = new Set(['/offer', '/answer', '/expire']);
const roomReplicas = new Set();
const client = new SignalClient({ fetch: (input, init) => globalThis.fetch(input, init).then(noteReplica) });
const room = roomFromQuery();
let current; // { pc, channel, peer, abort } while connecting or connected

$('room').textContent = `${room.shortname} (${room.uuid})`;
$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(logIn);
});
$('call-form').addEventListener('submit', (event) => {
  event.preventDefault();
  run(connect);
});
$('leave').addEventListener('click', () => run(hangUp));
$('copy-id').addEventListener('click', () => navigator.clipboard?.writeText(client.session.uuid));
$('chat-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sendChat();
});
// Withdraw our SDPs when the window goes away, so the peer never answers a stale offer.
window.addEventListener('pagehide', () => {
  if (current) leave(client, current.peer, room, { keepalive: true }).catch(() => {});
});

async function logIn() {
  const name = $('name').value.trim();
  const response = await fetch(`../dev/token?${new URLSearchParams({ name })}`);
  if (response.status === 404) throw new Error('This page needs Signal in dev mode (no AUTH_JWT_* variables set).');
  if (!response.ok) throw new Error(((await response.json().catch(() => ({}))).body) ?? `Token request failed (${response.status})`);
  const { token } = await response.json();
  const session = await client.login(token);
  $('me-name').textContent = session.name;
  $('me-id').textContent = session.uuid;
  $('login-form').hidden = true;
  $('call-panel').hidden = false;
  $('peer-id').focus();
}

async function connect() {
  const peer = $('peer-id').value.trim().toLowerCase();
  if (!UUID.test(peer)) throw new Error('The peer id is a UUID: copy it from the other window.');
  if (peer === client.session.uuid) throw new Error('That is your own peer id: use the other window’s.');
  const abort = new AbortController();
  setBusy(true);
  setStatus('connecting', 'Fetching ICE servers…');
  const pc = new RTCPeerConnection(await client.rtcConfiguration());
  current = { pc, peer, abort, channel: undefined };
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'failed') setStatus('failed', 'The connection failed (check the TURN server).');
    if (pc.connectionState === 'disconnected') setStatus('connecting', 'Connection interrupted, waiting for it to recover…');
  });
  const offerer = isOfferer(client.session.uuid, peer);
  // Offers and answers go out whole once gathering ends: a slow TURN server shows here, not as a hang.
  pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'gathering') setStatus('connecting', 'Gathering candidates…');
    if (pc.iceGatheringState === 'complete') setStatus('connecting', offerer ? 'Offer sent, waiting for the answer…' : 'Sending the answer…');
  });

  const options = { signal: abort.signal, timeoutMs: NEGOTIATION_TIMEOUT_MS };
  let channel;
  if (offerer) {
    channel = pc.createDataChannel('chat');
    setStatus('connecting', 'Making an offer…');
    await call(client, pc, peer, room, options);
  } else {
    const remote = new Promise((resolve) => pc.addEventListener('datachannel', (event) => resolve(event.channel), { once: true }));
    setStatus('connecting', 'Waiting for the offer…');
    await answerCall(client, pc, peer, room, options);
    setStatus('connecting', 'Answer sent, connecting…');
    channel = await remote;
  }
  current.channel = channel;
  channel.addEventListener('message', (event) => showMessage(JSON.parse(event.data)));
  channel.addEventListener('close', () => current?.channel === channel && peerLeft());
  if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
  setStatus('connected', 'Connected: the data channel is open.');
  showPath(await selectedCandidatePair(pc));
  $('chat-panel').hidden = false;
  $('message').focus();
}

async function hangUp() {
  if (!current) return;
  const { pc, peer, abort } = current;
  current = undefined;
  abort.abort();
  pc.close();
  await leave(client, peer, room);
  setStatus('idle', 'Left. Offers and answers with that peer were expired.');
  $('path').textContent = '';
  $('chat-panel').hidden = true;
  setBusy(false);
}

/** The other side closed the channel: the call is over here too, and Connect is offered again. */
function peerLeft() {
  const { pc, peer, abort } = current;
  current = undefined;
  abort.abort();
  pc.close();
  // The leaving side expired the SDPs between the two; this only covers a peer that vanished.
  leave(client, peer, room).catch(() => {});
  setStatus('idle', 'The peer left. Connect again when they are back.');
  $('path').textContent = '';
  setBusy(false);
}

function sendChat() {
  const text = $('message').value.trim();
  if (!text) return;
  if (current?.channel?.readyState !== 'open') {
    $('error').textContent = 'Not sent: the data channel is closed. Connect to the peer again first.';
    $('error').hidden = false;
    return;
  }
  $('error').hidden = true;
  const message = { from: client.session.name, text };
  current.channel.send(JSON.stringify(message));
  showMessage(message, true);
  $('message').value = '';
}

function showMessage({ from, text }, mine = false) {
  const item = document.createElement('li');
  item.className = mine ? 'mine' : '';
  item.textContent = `${from}: ${text}`;
  $('log').append(item);
}

function noteReplica(response) {
  const replica = response.headers.get(REPLICA_HEADER);
  if (replica) {
    const item = document.createElement('li');
    const { pathname, searchParams } = new URL(response.url);
    item.textContent = `${pathname} ${response.status} ← ${replica}`;
    $('replicas').prepend(item);
    if (SIGNALING_PATHS.has(pathname) && searchParams.get('room') === room.uuid) noteRoomReplica(replica);
    $('replica-panel').hidden = false;
  }
  return response;
}

function noteRoomReplica(replica) {
  roomReplicas.add(replica);
  $('room-replicas').textContent = `This room's signaling: ${[...roomReplicas].sort().join(', ')}`;
}

function showPath(pair) {
  if (!pair?.local) return;
  // Browsers hide host addresses from stats (mDNS privacy) unless the page may capture media.
  const end = (candidate) => `${candidate.candidateType} ${candidate.address || '[address hidden]'}:${candidate.port}/${candidate.protocol}`;
  $('path').textContent = `Path: ${end(pair.local)} ⇄ ${pair.remote ? end(pair.remote) : '?'}`;
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

function setBusy(busy) {
  $('connect').disabled = busy;
  $('peer-id').disabled = busy;
  $('leave').disabled = !busy;
}

/** Runs a UI action and shows its failure instead of leaving the page in a half state. */
async function run(action) {
  $('error').hidden = true;
  try {
    await action();
  } catch (error) {
    if (error?.name === 'AbortError') return;
    $('error').textContent = error instanceof Error ? error.message : String(error);
    $('error').hidden = false;
    if (current && $('status').dataset.state !== 'connected') {
      current.pc.close();
      current = undefined;
      setStatus('failed', 'Not connected.');
      setBusy(false);
    }
  }
}

function roomFromQuery() {
  const query = new URLSearchParams(location.search);
  const uuid = query.get('room');
  const shortname = query.get('shortname');
  return {
    uuid: uuid && UUID.test(uuid) ? uuid.toLowerCase() : DEFAULT_ROOM.uuid,
    shortname: shortname && /^[a-z-]+$/.test(shortname) ? shortname : DEFAULT_ROOM.shortname,
  };
}
