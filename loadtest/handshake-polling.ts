// Full handshakes with the seed's polling clients (GET without wait every POLL_INTERVAL_SECONDS):
// the load today's browsers put on Signal, to compare with handshake-longpoll.ts.
// k6 run -e BASE_URL=... -e JWTS_FILE=/abs/jwts.txt -e ROOM_RATE=10 loadtest/handshake-polling.ts
import { visitRoom } from './lib/handshake.ts';
import { roomOptions } from './lib/options.ts';

export const options = roomOptions('polling', 'pollingRoom', 3);

export function pollingRoom(): Promise<void> {
  return visitRoom('polling');
}
