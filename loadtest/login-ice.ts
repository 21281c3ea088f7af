// Session and ICE services under load: login with a JWT, fetch ICE servers, log out.
// k6 run -e BASE_URL=https://signal.staging.example -e JWTS_FILE=/abs/jwts.txt loadtest/login-ice.ts
import type { Options } from 'k6/options';
import { ENDPOINT, iceServers, login, logout } from './lib/signal-api.ts';
import { arrivalScenario, endpointThresholds } from './lib/options.ts';
import { nextJwt } from './lib/users.ts';

export const options: Options = {
  scenarios: { login_ice: arrivalScenario('loginIce', 'LOGIN_RATE', 20, 0.5) },
  thresholds: endpointThresholds([ENDPOINT.login, ENDPOINT.iceServers, ENDPOINT.logout]),
};

export function loginIce(): void {
  const user = login(nextJwt());
  if (user === undefined) return;
  iceServers(user);
  logout(user);
}
