import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ensureCoturn, startCoturn } from '../coturn/coturn.ts';
import { COTURN, locate, MissingToolError } from '../system-tools/system-tools.ts';

/** Where nothing listens unless the machine runs its own TURN server there. */
const UNSERVED_TURN_URL = 'turn:127.0.0.1:3478?transport=udp';

export interface LocalTurn {
  /** What the chart's ConfigMap and Secret give the ice pods. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The TURN server the local cluster's ice pod hands out. TURN_URLS (with TURN_SECRET, STUN_URLS)
 * names one of the person's own; otherwise a coturn on loopback (Debian's package, installed as the
 * tests install it) with the same secret as ice. Without coturn the browser's ICE gathering would
 * wait out its timeout on a URL where nothing answers (about 10 s before a call connects), so the
 * launcher says so when it cannot start one.
 */
export async function startLocalTurn(env: NodeJS.ProcessEnv, logger: Logger): Promise<LocalTurn> {
  const secret = env.TURN_SECRET ?? randomBytes(16).toString('hex');
  const stun: Record<string, string> = env.STUN_URLS ? { STUN_URLS: env.STUN_URLS } : {};
  if (env.TURN_URLS) return { env: { TURN_URLS: env.TURN_URLS, TURN_SECRET: secret, ...stun }, stop: async () => {} };
  try {
    if (locate(COTURN) === undefined) logger.info('installing coturn (apt-get) for the local TURN server');
    await ensureCoturn();
  } catch (error) {
    if (!(error instanceof MissingToolError)) throw error;
    logger.warn(`${error.message}. Until then ice hands out ${UNSERVED_TURN_URL}, where nothing answers: calls wait about 10 s for ICE gathering before connecting`);
    return { env: { TURN_URLS: UNSERVED_TURN_URL, TURN_SECRET: secret, ...stun }, stop: async () => {} };
  }
  const coturn = await startCoturn({ secret });
  return { env: { TURN_URLS: coturn.url, TURN_SECRET: secret, ...stun }, stop: coturn.stop };
}
