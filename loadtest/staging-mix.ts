// Everything at once, as staging sees a day of SME Connect: logins, long-poll rooms and
// polling rooms side by side, each at its own peak rate (LOGIN_RATE, LONGPOLL_ROOM_RATE, POLLING_ROOM_RATE).
import type { Options } from 'k6/options';
import { arrivalScenario, endpointThresholds, handshakeThresholds } from './lib/options.ts';
import { ENDPOINT } from './lib/signal-api.ts';

export { loginIce } from './login-ice.ts';
export { longPollRoom } from './handshake-longpoll.ts';
export { pollingRoom } from './handshake-polling.ts';

export const options: Options = {
  scenarios: {
    login_ice: arrivalScenario('loginIce', 'LOGIN_RATE', 10, 0.5),
    longpoll_rooms: arrivalScenario('longPollRoom', 'LONGPOLL_ROOM_RATE', 5, 1),
    polling_rooms: arrivalScenario('pollingRoom', 'POLLING_ROOM_RATE', 2, 3),
  },
  thresholds: {
    ...endpointThresholds(Object.values(ENDPOINT)),
    ...handshakeThresholds('longpoll'),
    ...handshakeThresholds('polling'),
  },
};
