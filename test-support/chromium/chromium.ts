import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_BINARY = '/usr/bin/chromium';

/**
 * Flags for a quiet, hermetic headless Chromium in a container: no sandbox (root in CI), no GPU,
 * and none of the background traffic (updates, sync, QUIC probes) that would reach for the internet.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium driven by playwright-core (which ships no browser of its own). */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_BINARY)) {
    throw new Error(`${CHROMIUM_BINARY} is missing: install Debian's chromium (tests/e2e/support/prerequisites.ts does it as root)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_BINARY, args: FLAGS, timeout: options.timeoutMs ?? 30_000 });
}
