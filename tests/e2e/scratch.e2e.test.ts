import { launchChromium } from '../../test-support/chromium/chromium.ts';
import { openDemoAs, waitForStatus } from './support/demo-page.ts';
import { startSignal } from './support/signal-server.ts';
import { newRoom } from './support/stack.ts';
test('host', async () => {
  const signal = await startSignal({ LOG_LEVEL: 'warn', SESSION_COOKIE_SECURE: 'false', RATE_LIMIT_PER_IP_PER_MINUTE: '0' });
  const browser = await launchChromium();
  try {
    const room = newRoom();
    const [a, b] = await Promise.all(['Alice', 'Bob'].map((n) => openDemoAs(browser, signal.baseUrl, n, room)));
    await a!.page.fill('#peer-id', b!.peerId); await b!.page.fill('#peer-id', a!.peerId);
    const t = Date.now();
    await a!.page.click('#connect'); await b!.page.click('#connect');
    await Promise.all([waitForStatus(a!, 'connected', 20000), waitForStatus(b!, 'connected', 20000)]);
    console.log(Date.now() - t, await a!.page.textContent('#path'), await b!.page.textContent('#path'), a!.problems, b!.problems);
  } finally { await browser.close(); await signal.stop(); }
}, 60000);
