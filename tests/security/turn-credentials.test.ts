/**
 * TURN credentials: under TURN_USERNAME=peer two users get credentials naming each of them (the
 * default `<expiry>:<suffix>` gave both byte-identical ones), and an instance refuses to start with
 * a guessable secret or credentials living for days.
 */
import { createHmac } from 'node:crypto';
import { loadConfig, type ProcessRole } from '@signal/common/config/config';
import { ConfigError } from '@signal/common/config/env-reader';
import { get, login, testEnv, TURN_SECRET } from '../../test-support/signal/harness.ts';
import { withSignal } from './support/with-signal.ts';

type IceServer = { urls: string; username?: string; credential?: string };

async function turnServer(url: string, cookie: string): Promise<IceServer> {
  const document = JSON.parse(JSON.parse(await (await get(url, '/ice_servers', cookie)).text()) as string) as { cfg: { iceServers: IceServer[] } };
  return document.cfg.iceServers[0]!;
}

test('TURN_USERNAME=peer: each user gets `<expiry>:<peer uuid>`, signed with the secret; two users never share credentials', async () => {
  await withSignal({ TURN_USERNAME: 'peer' }, async (signal) => {
    const [alice, bob] = [await login(signal.url), await login(signal.url)];
    const [forAlice, forBob] = [await turnServer(signal.url, alice.cookie), await turnServer(signal.url, bob.cookie)];
    expect(forAlice.username).toMatch(new RegExp(`^\\d+:${alice.uuid}$`));
    expect(forBob.username).toMatch(new RegExp(`^\\d+:${bob.uuid}$`));
    expect(forAlice.credential).toBe(createHmac('sha1', TURN_SECRET).update(forAlice.username!).digest('base64'));
    expect(forAlice.credential).not.toBe(forBob.credential);
  });
});

test('the default stays the seed form `<expiry>:<suffix>`', async () => {
  await withSignal({}, async (signal) => {
    expect((await turnServer(signal.url, (await login(signal.url)).cookie)).username).toMatch(/^\d+:turntls$/);
  });
});

function problemsOf(env: Record<string, string | undefined>, role: ProcessRole): string[] {
  try {
    loadConfig(testEnv(env), role, () => 'dev-secret');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('weak TURN settings are refused at start-up outside dev mode', () => {
  test.each<ProcessRole>(['ice', 'all-in-one'])('%s: a 1-character secret, and a short older one in a rotation list', (role) => {
    expect(problemsOf({ TURN_SECRET: 'x' }, role)).toContain('TURN_SECRET entry 1 must be at least 32 characters long');
    expect(problemsOf({ TURN_SECRET: `${TURN_SECRET},older` }, role)).toEqual(['TURN_SECRET entry 2 must be at least 32 characters long']);
  });

  test('a 7-day credential life; a day is the most', () => {
    expect(problemsOf({ TURN_CREDENTIAL_TTL_SECONDS: String(7 * 86_400) }, 'ice')).toEqual(['TURN_CREDENTIAL_TTL_SECONDS="604800" must be a whole number from 60 to 86400']);
    expect(problemsOf({ TURN_CREDENTIAL_TTL_SECONDS: '86400' }, 'ice')).toEqual([]);
  });

  test('dev mode (all-in-one without AUTH_JWT_*) still starts with a short secret', () => {
    expect(problemsOf({ TURN_SECRET: 'x', AUTH_JWT_SECRET: undefined }, 'all-in-one')).toEqual([]);
  });

  test('an unknown TURN_USERNAME is refused', () => {
    expect(problemsOf({ TURN_USERNAME: 'email' }, 'ice')).toEqual(['TURN_USERNAME="email" must be one of suffix, peer']);
  });
});
