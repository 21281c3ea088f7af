import { ensureCoturn } from '../../../test-support/coturn/coturn.ts';
import { CHROMIUM, ensureTools } from '../../../test-support/system-tools/system-tools.ts';

/** Chromium with one font, so screenshots show text. */
export async function ensureChromium(): Promise<void> {
  await ensureTools([CHROMIUM]);
}

// `npm run test:e2e:prepare` installs everything up front (CI, or before a first run).
if (import.meta.main) {
  await ensureCoturn();
  await ensureChromium();
}
