import { Router } from 'express';
import { compileRequestValidators } from '@signal/common/api/validators';
import { requireSession } from '@signal/common/auth/require-session';
import type { ServiceModule } from '@signal/common/http/create-app';
import { jsonBody } from '@signal/common/http/json-body';
import type { Platform } from '@signal/common/runtime/platform';
import { SdpExchange } from './domain/sdp-exchange.ts';
import { expire } from './handlers/expire.ts';
import { getSdp } from './handlers/get-sdp.ts';
import { postSdp } from './handlers/post-sdp.ts';
import { requireRoomParam } from './handlers/require-room-param.ts';
import { openSdpStore } from './store/open-sdp-store.ts';
import { openWakeups } from './wakeups/open-wakeups.ts';

/** The signaling service: peers exchange SDP offers and answers through it, kept in its own SDP store. */
export async function signalingService(platform: Platform): Promise<ServiceModule> {
  const { config, stores, events, clock, metrics, logger } = platform;
  const sdps = await openSdpStore(stores.backing, clock, metrics);
  const settings = config.bus.kind === 'servicebus' ? config.bus.wakeups : undefined;
  const wakeups = await openWakeups(settings, { listenHost: config.http.host, clock, metrics, logger }).catch(async (error: unknown) => {
    await sdps.close();
    throw error;
  });
  const exchange = new SdpExchange({ sdps, events, wakeups, clock, metrics, config: config.signaling });
  metrics.countWaitersWith(() => exchange.waiting, config.signaling.longPollMaxPerReplica);
  const validate = compileRequestValidators(config.signaling);
  // Room for the JSON around an SDP of the largest size allowed.
  const body = jsonBody(config.signaling.sdpMaxBytes + 4096);
  const router = Router();
  router.use(['/offer', '/answer', '/expire'], requireSession(platform.sessions, config.session.cookieName));
  if (config.signaling.roomParamRequired) router.post(['/offer', '/answer', '/expire'], requireRoomParam);
  router.post('/offer', body, postSdp('offer', exchange, validate));
  router.get('/offer', getSdp('offer', exchange, validate.sdpQuery));
  router.post('/answer', body, postSdp('answer', exchange, validate));
  router.get('/answer', getSdp('answer', exchange, validate.sdpQuery));
  router.post('/expire', body, expire(exchange, validate));
  return {
    name: 'signaling',
    paths: ['/offer', '/answer', '/expire'],
    router,
    stop: () => exchange.close(),
    close: async () => {
      await Promise.allSettled([wakeups.close(), sdps.close()]);
    },
    dependencies: { sdp_store: () => sdps.ping() },
  };
}
