import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test-support/chromium/chromium.ts';
import { openDemoAs, sideBySide, waitForStatus, type DemoUser } from './support/demo-page.ts';
import { ensureChromium } from './support/prerequisites.ts';
import { newRoom, startStack, type Stack } from './support/stack.ts';

const SCREENSHOT = fileURLToPath(new URL('../../docs/demo.png', import.meta.url));
// Covers a first-run apt-get install of Chromium and coturn.
const SETUP_TIMEOUT_MS = 10 * 60_000;
const CONNECT_TIMEOUT_MS = 20_000;

let stack: Stack;
let browser: Browser;
const users: DemoUser[] = [];

beforeAll(async () => {
  await ensureChromium();
  // Dev mode: the page gets its JWTs from /dev/token, as a person trying the demo does.
  stack = await startStack({ devMode: true });
  browser = await launchChromium();
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(users.map((user) => user.close()));
  await browser?.close();
  await stack?.stop();
});

test('two people on /demo/ connect a relayed data channel, chat, and leave', async () => {
  const room = newRoom();
  const [alice, bob] = await Promise.all(['Alice', 'Bob'].map((name) => openDemoAs(browser, stack.signal.baseUrl, name, room)));
  if (!alice || !bob) throw new Error('both pages must open');
  users.push(alice, bob);
  expect(alice.peerId).not.toBe(bob.peerId);

  await alice.page.fill('#peer-id', bob.peerId);
  await bob.page.fill('#peer-id', alice.peerId);
  await bob.page.click('#connect');
  await alice.page.click('#connect');
  await Promise.all([waitForStatus(alice, 'connected', CONNECT_TIMEOUT_MS), waitForStatus(bob, 'connected', CONNECT_TIMEOUT_MS)]);

  // ICE_TRANSPORT_POLICY=relay: both ends of the selected pair are coturn relay addresses.
  for (const user of [alice, bob]) {
    expect(await user.page.textContent('#path')).toMatch(/^Path: relay 127\.0\.0\.1:\d+\/udp ⇄ relay 127\.0\.0\.1:\d+\/udp$/);
  }

  await chat(alice, 'Hi Bob, this came over the data channel.');
  await expect(lastLine(bob)).resolves.toBe('Alice: Hi Bob, this came over the data channel.');
  await chat(bob, 'Hello Alice! Relayed by coturn, signalled by Signal.');
  await expect(lastLine(alice)).resolves.toBe('Bob: Hello Alice! Relayed by coturn, signalled by Signal.');

  await writeFile(SCREENSHOT, await sideBySide(browser, [alice, bob]));

  await bob.page.click('#leave');
  await waitForStatus(bob, 'idle', 5_000);
  await waitForStatus(alice, 'idle', 10_000);
  // Leaving expired every SDP between the two: Alice's own session finds nothing in either direction.
  const leftover = await alice.page.evaluate(async (query) => {
    const read = (type: string) => fetch(`/${type}?${new URLSearchParams(query)}`);
    return [(await read('offer')).status, (await read('answer')).status];
  }, { signalId: bob.peerId, room: room.uuid, shortname: room.shortname });
  expect(leftover).toEqual([204, 204]);

  expect([...alice.problems, ...bob.problems]).toEqual([]);
}, 60_000);

async function chat(user: DemoUser, text: string): Promise<void> {
  await user.page.fill('#message', text);
  await user.page.click('#send');
}

async function lastLine(user: DemoUser): Promise<string> {
  const line = user.page.locator('#log li:not(.mine)').last();
  await line.waitFor({ timeout: 5_000 });
  return (await line.textContent()) ?? '';
}
