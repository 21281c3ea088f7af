// Full handshakes with long-poll clients: PAIRS_PER_ROOM caller/callee pairs per room, each callee
// waiting on GET /offer?wait=, each caller on GET /answer?wait=; expire on leave.
// k6 run -e BASE_URL=... -e JWTS_FILE=/abs/jwts.txt -e ROOM_RATE=10 loadtest/handshake-longpoll.ts
import { visitRoom } from './lib/handshake.ts';
import { roomOptions } from './lib/options.ts';

export const options = roomOptions('longpoll', 'longPollRoom', 1);

export function longPollRoom(): Promise<void> {
  return visitRoom('longpoll');
}
