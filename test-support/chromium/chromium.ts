import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, requireTool } from '../system-tools/system-tools.ts';

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

/** The system's Chromium driven by playwright-core (which ships no browser of its own). */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<Browser> {
  return chromium.launch({ executablePath: requireTool(CHROMIUM), args: FLAGS, timeout: options.timeoutMs ?? 30_000 });
}
