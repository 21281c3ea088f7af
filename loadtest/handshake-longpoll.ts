// Full handshakes with long-poll clients: PAIRS_PER_ROOM caller/callee pairs per room, each callee
// waiting on GET /offer?wait=, each caller on GET /answer?wait=; expire on leave.
// k6 run -e BASE_URL=... -e JWTS_FILE=/abs/jwts.txt -e ROOM_RATE=10 loadtest/handshake-longpoll.ts
import type { Options } from 'k6/options';
import { visitRoom } from './lib/handshake.ts';
import { arrivalScenario, endpointThresholds, handshakeThresholds, ROOM_ENDPOINTS } from './lib/options.ts';
import { ENDPOINT } from './lib/signal-api.ts';

export const options: Options = {
  scenarios: { longpoll_rooms: arrivalScenario('longPollRoom', 'ROOM_RATE', 5, 1) },
  thresholds: {
    ...endpointThresholds([...ROOM_ENDPOINTS, ENDPOINT.waitOffer, ENDPOINT.waitAnswer]),
    ...handshakeThresholds('longpoll'),
  },
};

export function longPollRoom(): Promise<void> {
  return visitRoom('longpoll');
}
