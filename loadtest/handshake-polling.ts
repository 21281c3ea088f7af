// Full handshakes with the seed's polling clients (GET without wait every POLL_INTERVAL_SECONDS):
// the load today's browsers put on Signal, to compare with handshake-longpoll.ts.
// k6 run -e BASE_URL=... -e JWTS_FILE=/abs/jwts.txt -e ROOM_RATE=10 loadtest/handshake-polling.ts
import type { Options } from 'k6/options';
import { visitRoom } from './lib/handshake.ts';
import { arrivalScenario, endpointThresholds, handshakeThresholds, ROOM_ENDPOINTS } from './lib/options.ts';
import { ENDPOINT } from './lib/signal-api.ts';

export const options: Options = {
  scenarios: { polling_rooms: arrivalScenario('pollingRoom', 'ROOM_RATE', 5, 3) },
  thresholds: {
    ...endpointThresholds([...ROOM_ENDPOINTS, ENDPOINT.getOffer, ENDPOINT.getAnswer]),
    ...handshakeThresholds('polling'),
  },
};

export function pollingRoom(): Promise<void> {
  return visitRoom('polling');
}
