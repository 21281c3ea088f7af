import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test-support/chromium/chromium.ts';
import { startClusterProcess } from '../cluster/support/cluster-process.ts';
import { openDemoAs, overflowing, sideBySide, statusesSeen, waitForStatus, type DemoUser } from './support/demo-page.ts';
import { ensureChromium } from './support/prerequisites.ts';
import { startSignal } from './support/signal-server.ts';
import { newRoom, startStack, type Stack } from './support/stack.ts';

// One CI run saw the host-candidate test stay at "waiting for the answer" for 20 s: that status lasts until the data channel opens, so ICE between two headless Chromium
// pages (mDNS-named host candidates) did not complete, and a rerun passed. A second attempt, with
// the first failure logged, keeps such a run from hiding the rest; a real break fails both.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** `npm run docs:demo-png` names the committed picture; any other run writes to a folder of its own. */
const CHOSEN_SCREENSHOT = process.env.DEMO_SCREENSHOT;
let screenshotDir: string | undefined;
let treeBefore = '';
const treeStatus = () => execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: REPO, encoding: 'utf8' });
// Covers a first-run apt-get install of Chromium and coturn.
const SETUP_TIMEOUT_MS = 10 * 60_000;
const CONNECT_TIMEOUT_MS = 20_000;

let stack: Stack;
let browser: Browser;
const users: DemoUser[] = [];

beforeAll(async () => {
  treeBefore = treeStatus();
  screenshotDir = await mkdtemp(join(tmpdir(), 'signal-demo-'));
  await ensureChromium();
  // Dev mode: the page gets its JWTs from /dev/token, as a person trying the demo does.
  stack = await startStack({ devMode: true });
  browser = await launchChromium();
}, SETUP_TIMEOUT_MS);

afterEach(async () => {
  await Promise.all(users.splice(0).map((user) => user.close()));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (screenshotDir !== undefined) await rm(screenshotDir, { recursive: true, force: true });
});

test('two people on /demo/ connect a relayed data channel, chat, and leave', async () => {
  const room = newRoom();
  const [alice, bob] = await connectedPair(stack.signal.baseUrl, room);

  // ICE_TRANSPORT_POLICY=relay: both ends of the selected pair are coturn relay addresses.
  for (const user of [alice, bob]) {
    expect(await user.page.textContent('#path')).toMatch(/^Path: relay 127\.0\.0\.1:\d+\/udp ⇄ relay 127\.0\.0\.1:\d+\/udp$/);
  }

  await chat(alice, 'Hi Bob, this came over the data channel.');
  await expect(lastLine(bob)).resolves.toBe('Alice: Hi Bob, this came over the data channel.');
  await chat(bob, 'Hello Alice! Relayed by coturn, signalled by Signal.');
  await expect(lastLine(alice)).resolves.toBe('Bob: Hello Alice! Relayed by coturn, signalled by Signal.');

  const screenshot = CHOSEN_SCREENSHOT === undefined ? join(screenshotDir!, 'demo.png') : resolve(REPO, CHOSEN_SCREENSHOT);
  await writeFile(screenshot, await sideBySide(browser, [alice, bob]));

  // Both gathered candidates before their SDP went out, and the page said so meanwhile.
  for (const user of [alice, bob]) expect(await statusesSeen(user)).toContain('Gathering candidates…');

  await bob.page.click('#leave');
  await waitForStatus(bob, 'idle', 5_000);
  // Alice did not press Leave: the peer leaving ends her call, and Connect is offered again.
  await waitForStatus(alice, 'idle', 10_000);
  expect(await alice.page.textContent('#status')).toBe('The peer left. Connect again when they are back.');
  expect([await alice.page.isEnabled('#connect'), await alice.page.isEnabled('#leave')]).toEqual([true, false]);
  await chat(alice, 'Still there?');
  expect(await alice.page.textContent('#error')).toBe('Not sent: the data channel is closed. Connect to the peer again first.');
  expect(await alice.page.locator('#log li.mine').allTextContents()).not.toContain('Alice: Still there?');
  // Leaving expired every SDP between the two: Alice's own session finds nothing in either direction.
  const leftover = await alice.page.evaluate(async (query) => {
    const read = (type: string) => fetch(`/${type}?${new URLSearchParams(query)}`);
    return [(await read('offer')).status, (await read('answer')).status];
  }, { signalId: bob.peerId, room: room.uuid, shortname: room.shortname });
  expect(leftover).toEqual([204, 204]);

  expect([...alice.problems, ...bob.problems]).toEqual([]);
}, 60_000);

test('at 390 px wide (a phone) nothing sticks out of its card, logged out or in a call', async () => {
  const user = await openDemoAs(browser, stack.signal.baseUrl, 'Alice Longname', newRoom(), { width: 390, height: 844 });
  users.push(user);
  await user.page.fill('#peer-id', '00000000-0000-4000-8000-000000000001');
  // Every card at once, with the longest lines a call shows.
  await user.page.evaluate(`
    for (const id of ['chat-panel', 'replica-panel']) document.getElementById(id).hidden = false;
    document.getElementById('path').textContent = 'Path: relay 127.0.0.1:61234/udp ⇄ relay 127.0.0.1:61235/udp';
    const served = document.createElement('li');
    served.textContent = '/offer?signalId=00000000-0000-4000-8000-000000000001 200 ← signaling-1';
    document.getElementById('replicas').append(served);
  `);
  expect(await overflowing(user.page)).toEqual([]);
  const fresh = await user.page.context().newPage();
  await fresh.goto(`${stack.signal.baseUrl}/demo/`);
  expect(await overflowing(fresh)).toEqual([]);
}, 30_000);

test('with plain `npm start` (dev mode, no TURN configured) the demo connects over host candidates', async () => {
  // What a new user's `npm start` has: no TURN, no AUTH_JWT_*, default (Secure) cookie flags.
  const plain = await startSignal({ LOG_LEVEL: 'warn' });
  try {
    const [alice, bob] = await connectedPair(plain.baseUrl, newRoom());
    // The far end may show as peer-reflexive: checks can arrive before its mDNS-named candidate resolves.
    for (const user of [alice, bob]) expect(await user.page.textContent('#path')).toMatch(/^Path: host .* ⇄ (host|prflx) /);
    await chat(bob, 'Direct, no relay.');
    await expect(lastLine(alice)).resolves.toBe('Bob: Direct, no relay.');
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  } finally {
    await plain.stop();
  }
}, 60_000);

test('through `npm run start:cluster` (room affinity) the demo connects, every signaling request of the room on one replica, and shows which pod answered', async () => {
  const cluster = startClusterProcess(['--port=0']);
  try {
    const ingress = await cluster.line((entry) => entry.msg === 'ingress listening', 90_000);
    const [alice, bob] = await connectedPair(`http://127.0.0.1:${String(ingress.port)}`, newRoom());
    await chat(alice, 'Through the cluster.');
    await expect(lastLine(bob)).resolves.toBe('Alice: Through the cluster.');
    const served = `${await alice.page.textContent('#replicas')}${await bob.page.textContent('#replicas')}`;
    for (const pod of ['session-0', 'ice-0']) expect(served).toContain(pod);
    const signaling = new Set(served.match(/signaling-\d+/g));
    expect(signaling.size).toBe(1);
    const [replica] = signaling;
    for (const user of [alice, bob]) expect(await user.page.textContent('#room-replicas')).toBe(`This room's signaling: ${replica}`);
    expect(await alice.page.textContent('#replicas')).toMatch(/\/login 200 ← session-0/);
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  } finally {
    cluster.child.kill('SIGINT');
    await cluster.exited;
  }
}, 120_000);

test('a run leaves the working tree as it found it (the committed picture changes only on purpose)', () => {
  // Runs last in this file: the tests above wrote their screenshot and stopped their processes.
  if (CHOSEN_SCREENSHOT !== undefined) return;
  expect(treeStatus()).toBe(treeBefore);
});

/** Alice and Bob on `baseUrl`'s /demo/, each given the other's peer id, connected (Bob pressed first). */
async function connectedPair(baseUrl: string, room: { uuid: string; shortname: string }): Promise<[DemoUser, DemoUser]> {
  const open = async (name: string) => {
    const user = await openDemoAs(browser, baseUrl, name, room);
    users.push(user);
    return user;
  };
  const [alice, bob] = await Promise.all([open('Alice'), open('Bob')]);
  expect(alice.peerId).not.toBe(bob.peerId);
  await alice.page.fill('#peer-id', bob.peerId);
  await bob.page.fill('#peer-id', alice.peerId);
  await bob.page.click('#connect');
  await alice.page.click('#connect');
  await Promise.all([waitForStatus(alice, 'connected', CONNECT_TIMEOUT_MS), waitForStatus(bob, 'connected', CONNECT_TIMEOUT_MS)]);
  return [alice, bob];
}

async function chat(user: DemoUser, text: string): Promise<void> {
  await user.page.fill('#message', text);
  await user.page.click('#send');
}

async function lastLine(user: DemoUser): Promise<string> {
  const line = user.page.locator('#log li:not(.mine)').last();
  await line.waitFor({ timeout: 5_000 });
  return (await line.textContent()) ?? '';
}
