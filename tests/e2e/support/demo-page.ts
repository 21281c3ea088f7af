import type { Browser, Page } from 'playwright-core';

const VIEWPORT = { width: 680, height: 720 };

export interface DemoUser {
  page: Page;
  name: string;
  peerId: string;
  /** Uncaught exceptions and console errors the page produced. */
  problems: string[];
  close(): Promise<void>;
}

/** One person on /demo/ in `room`: their own browser context (cookie jar), logged in through /dev/token. */
export async function openDemoAs(
  browser: Browser,
  baseUrl: string,
  name: string,
  room: { uuid: string; shortname: string },
  viewport: { width: number; height: number } = VIEWPORT,
): Promise<DemoUser> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // Every status the page shows, in order, including those that last a moment only. (Browser code
  // as text: this project's typecheck has no DOM types.)
  await page.addInitScript({ content: RECORD_STATUSES });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`${name}: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`${name}: ${message.text()}`));
  await page.goto(`${baseUrl}/demo/?${new URLSearchParams({ room: room.uuid, shortname: room.shortname })}`);
  await page.fill('#name', name);
  await page.click('#login');
  await page.locator('#me-id').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 }).catch(async (error: unknown) => {
    throw new Error(`${name} could not log in: ${await visibleError(page)}`, { cause: error });
  });
  const peerId = (await page.textContent('#me-id')) ?? '';
  return { page, name, peerId, problems, close: () => context.close() };
}

/** Waits until #status reaches `state`, or fails with what the page says instead. */
export async function waitForStatus(user: DemoUser, state: string, timeoutMs: number): Promise<void> {
  try {
    await user.page.locator(`#status[data-state="${state}"]`).waitFor({ timeout: timeoutMs });
  } catch (error) {
    const status = await user.page.textContent('#status');
    throw new Error(`${user.name} never reached "${state}": status "${status}", error "${await visibleError(user.page)}"`, { cause: error });
  }
}

async function visibleError(page: Page): Promise<string> {
  return (await page.locator('#error').isVisible()) ? ((await page.textContent('#error')) ?? '') : '(none shown)';
}

/** Both windows side by side in one image, as a person trying the demo would see them. */
export async function sideBySide(browser: Browser, users: DemoUser[]): Promise<Buffer> {
  const shots = await Promise.all(users.map(async (user) => ({ name: user.name, png: (await user.page.screenshot()).toString('base64') })));
  const context = await browser.newContext({ viewport: { width: VIEWPORT.width * users.length + 16 * (users.length + 1), height: VIEWPORT.height + 56 } });
  try {
    const page = await context.newPage();
    const figures = shots
      .map(({ name, png }) => `<figure><figcaption>${name}'s window</figcaption><img src="data:image/png;base64,${png}"></figure>`)
      .join('');
    await page.setContent(
      `<style>body{margin:0;padding:8px;display:flex;gap:16px;background:#eaeef2;font:14px 'DejaVu Sans',sans-serif}` +
        `figure{margin:0}figcaption{padding:6px 0;color:#57606a}img{display:block;border:1px solid #d0d7de;border-radius:6px}</style>${figures}`,
    );
    return await page.screenshot();
  } finally {
    await context.close();
  }
}

const RECORD_STATUSES = `
  window.statusesSeen = [];
  document.addEventListener('DOMContentLoaded', () => {
    const status = document.getElementById('status');
    new MutationObserver(() => window.statusesSeen.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });`;

/** The status texts the page showed so far, in order. */
export async function statusesSeen(user: DemoUser): Promise<string[]> {
  return (await user.page.evaluate('window.statusesSeen')) as string[];
}

const OVERFLOWING = `(() => {
  const found = [];
  if (document.documentElement.scrollWidth > window.innerWidth) found.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
  for (const card of document.querySelectorAll('.panel')) {
    if (card.hidden) continue;
    const box = card.getBoundingClientRect();
    for (const element of card.querySelectorAll('*')) {
      const inner = element.getBoundingClientRect();
      if (inner.width > 0 && (inner.right > box.right + 0.5 || inner.left < box.left - 0.5)) found.push('#' + (element.id || element.tagName) + ' sticks out of #' + card.id);
    }
  }
  return found;
})()`;

/** What sticks out of its card (or makes the page scroll sideways) at the page's current width. */
export async function overflowing(page: Page): Promise<string[]> {
  return (await page.evaluate(OVERFLOWING)) as string[];
}
