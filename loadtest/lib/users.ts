import exec from 'k6/execution';
import { config } from './config.ts';
import { login, type SignalUser } from './signal-api.ts';

/**
 * The users one VU plays in every room it visits, logged in on its first iteration and kept, as
 * real clients keep their session across rooms. VU n takes the next `count` tokens of the list, so
 * the users of one room are always distinct people.
 */
let cached: SignalUser[] | undefined;

export function roomUsers(count: number): SignalUser[] | undefined {
  if (cached !== undefined) return cached;
  if (config.jwts.length < count) throw new Error(`${count} users per room need ${count} distinct JWTS, got ${config.jwts.length}`);
  const offset = ((exec.vu.idInTest - 1) * count) % config.jwts.length;
  const users: SignalUser[] = [];
  for (let i = 0; i < count; i += 1) {
    const user = login(config.jwts[(offset + i) % config.jwts.length] ?? '');
    if (user === undefined) return undefined;
    users.push(user);
  }
  cached = users;
  return users;
}

/** Sessions end (TTL, logout elsewhere): the next iteration logs in again. */
export function forgetUsers(): void {
  cached = undefined;
}

/** A token for a one-off login, spread over the list by iteration. */
export function nextJwt(): string {
  return config.jwts[exec.scenario.iterationInTest % config.jwts.length] ?? '';
}
