import { ConfigError } from '../../src/config/env-reader.ts';
import { loadConfig, type ProcessRole } from '../../src/config/config.ts';
import { cosmosClientOptions } from '../../src/adapters/cosmos/connection.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-bytes';
const PINS = { AUTH_JWT_ISSUER: 'https://issuer.example/', AUTH_JWT_AUDIENCE: 'api://signal' };
const base = { AUTH_JWT_SECRET: SECRET, ...PINS, TURN_URLS: 'turn:t.example:3478', TURN_SECRET: 't'.repeat(32) };
const load = (env: Record<string, string>, role: ProcessRole = 'all-in-one') => loadConfig(env, role, () => 'dev-secret');

function problemsOf(env: Record<string, string>, role: ProcessRole = 'all-in-one'): string[] {
  try {
    load(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

test('the session cache is on by default wherever revocations reach every cache', () => {
  const cosmos = { STORE: 'cosmos', COSMOS_ENDPOINT: 'https://account.documents.azure.com' };
  const servicebus = { BUS: 'servicebus', SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v' };
  expect(load({ ...base, ...cosmos, ...servicebus }, 'session').session.cacheSeconds).toBe(30);
  expect(load({ ...base, ...cosmos }).session.cacheSeconds).toBe(0);
  expect(load({ ...base, ...cosmos, SESSION_CACHE_SECONDS: '10' }).session.cacheSeconds).toBe(10);
});

test('defaults', () => {
  const config = load(base);
  expect(config.http.port).toBe(8080);
  expect(config.session).toEqual({ cookieName: 'sess38b9de00', cookieSecure: true, cookieDomain: undefined, ttlSeconds: 7200, cacheSeconds: 30, maxPerUser: 20 });
  expect(config.http).toMatchObject({ idleTimeoutSeconds: 30, maxConnections: 12_000 });
  expect(config.turn).toMatchObject({ usernameSuffix: 'turntls', credentialTtlSeconds: 3600, candidatePoolSize: 5, transportPolicy: 'all' });
  expect(config.signaling).toMatchObject({ sdpTtlSeconds: 300, sdpMaxBytes: 65_536, longPollMaxSeconds: 25, longPollMaxPerUser: 64 });
  expect(config.store).toEqual({ kind: 'memory', maxBytes: 256 * 1024 * 1024, maxBytesPerUser: Math.floor(0.05 * 256 * 1024 * 1024) });
  expect(config.bus).toEqual({ kind: 'memory' });
  expect(config.auth).toMatchObject({ mode: 'secret', algorithms: ['HS256', 'HS384', 'HS512'], maxAgeSeconds: 86_400 });
  expect(load({ AUTH_JWKS_URL: 'https://keys.example/jwks.json', AUTH_JWT_SECRET: '', ...PINS }).auth).toMatchObject({ mode: 'jwks', refreshSeconds: 60 });
});

test('LONGPOLL_MAX_PER_SESSION is the old name of LONGPOLL_MAX_PER_USER; the new name wins when both are set', () => {
  expect(load({ ...base, LONGPOLL_MAX_PER_SESSION: '5' }).signaling.longPollMaxPerUser).toBe(5);
  expect(load({ ...base, LONGPOLL_MAX_PER_SESSION: '5', LONGPOLL_MAX_PER_USER: '7' }).signaling.longPollMaxPerUser).toBe(7);
});

test('dev mode only in the all-in-one process, and never once AUTH_JWT_* is set', () => {
  expect(load({}).auth?.mode).toBe('dev');
  expect(load({ AUTH_JWT_SECRET: SECRET, ...PINS }).auth?.mode).toBe('secret');
  expect(problemsOf({}, 'session')).toEqual([
    'one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL is required (dev mode exists only in the all-in-one process)',
  ]);
  expect(load({}, 'signaling').auth).toBeUndefined();
});

test.each([
  [{ PORT: 'eighty' }, 'PORT="eighty" must be a whole number from 0 to 65535'],
  [{ PORT: '70000' }, 'PORT="70000" must be a whole number from 0 to 65535'],
  [{ SESSION_COOKIE_ID: 'XYZ' }, 'SESSION_COOKIE_ID="XYZ" must be 8 lowercase hex digits'],
  [{ SESSION_COOKIE_SECURE: 'yes' }, 'SESSION_COOKIE_SECURE="yes" must be true or false'],
  [{ SESSION_TTL_SECONDS: '10' }, 'SESSION_TTL_SECONDS="10" must be a whole number from 60 to 2592000'],
  [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET must be at least 32 bytes long'],
  [{ AUTH_JWT_ALGORITHMS: 'none,HS256' }, 'AUTH_JWT_ALGORITHMS has none; allowed here: HS256, HS384, HS512'],
  [{ AUTH_JWT_ALGORITHMS: 'RS256' }, 'AUTH_JWT_ALGORITHMS has RS256; allowed here: HS256, HS384, HS512'],
  [{ AUTH_JWT_PUBLIC_KEY: 'abc' }, 'set only one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY, AUTH_JWKS_URL'],
  [{ TURN_URLS: 'http://x' }, 'TURN_URLS entry "http://x" must start with turn: or turns:'],
  [{ TURN_SECRET: '' }, 'TURN_SECRET is required when TURN_URLS is set'],
  [{ STUN_URLS: 'turn:x' }, 'STUN_URLS entry "turn:x" must start with stun: or stuns:'],
  [{ ICE_TRANSPORT_POLICY: 'none' }, 'ICE_TRANSPORT_POLICY="none" must be one of all, relay'],
  [{ TURN_USERNAME_SUFFIX: 'a:b' }, 'TURN_USERNAME_SUFFIX="a:b" must be letters, digits, dot, underscore or dash'],
  [{ SDP_MAX_BYTES: '10' }, 'SDP_MAX_BYTES="10" must be a whole number from 1024 to 1048576'],
  [{ LONGPOLL_MAX_SECONDS: '600' }, 'LONGPOLL_MAX_SECONDS="600" must be a whole number from 0 to 120'],
  [{ STORE: 'redis' }, 'STORE="redis" must be one of memory, cosmos'],
  [{ STORE: 'cosmos' }, 'COSMOS_ENDPOINT is required when STORE=cosmos'],
  [{ STORE: 'cosmos', COSMOS_ENDPOINT: 'localhost' }, 'COSMOS_ENDPOINT must be an http(s) URL'],
  [{ STORE: 'cosmos', COSMOS_ENDPOINT: 'https://x', COSMOS_REQUEST_TIMEOUT_MS: '5000' }, 'COSMOS_REQUEST_TIMEOUT_MS="5000" must be a whole number from 100 to 2000'],
  [{ STORE: 'cosmos', COSMOS_ENDPOINT: 'https://x', COSMOS_PREFERRED_REGIONS: 'West Europe,https://x.documents.azure.com' }, 'COSMOS_PREFERRED_REGIONS entry "https://x.documents.azure.com" must be an Azure region name, e.g. West Europe'],
  [{ STORE: 'cosmos', COSMOS_ENDPOINT: 'https://x', COSMOS_PREFERRED_REGIONS: 'West Europe,westeurope' }, 'COSMOS_PREFERRED_REGIONS lists a region twice'],
  [{ BUS: 'kafka' }, 'BUS="kafka" must be one of memory, servicebus'],
  [{ BUS: 'servicebus' }, 'BUS=servicebus needs SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE (with workload identity)'],
  [{ BUS: 'servicebus', SERVICEBUS_CONNECTION_STRING: 'nonsense' }, 'SERVICEBUS_CONNECTION_STRING must contain Endpoint=sb://...'],
  [{ RATE_LIMIT_PER_IP_PER_MINUTE: '-5' }, 'RATE_LIMIT_PER_IP_PER_MINUTE="-5" must be a whole number from 0 to 10000000'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" must be one of fatal, error, warn, info, debug, trace, silent'],
  [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY="yes" must be a whole number from 0 to 10'],
  [{ LONGPOLL_MAX_PER_USER: '0' }, 'LONGPOLL_MAX_PER_USER="0" must be a whole number from 1 to 10000'],
  [{ LONGPOLL_MAX_PER_SESSION: 'lots' }, 'LONGPOLL_MAX_PER_SESSION="lots" must be a whole number from 1 to 10000'],
  [{ SESSION_MAX_PER_USER: '0' }, 'SESSION_MAX_PER_USER="0" must be a whole number from 1 to 1000'],
  [{ MEMORY_STORE_MAX_MB: '0' }, 'MEMORY_STORE_MAX_MB="0" must be a whole number from 1 to 65536'],
  [{ AUTH_JWT_MAX_AGE_SECONDS: '10' }, 'AUTH_JWT_MAX_AGE_SECONDS="10" must be a whole number from 60 to 2592000'],
  [{ AUTH_JWT_SECRET: '', AUTH_JWKS_URL: 'https://k.example/jwks', AUTH_JWKS_REFRESH_SECONDS: '0' }, 'AUTH_JWKS_REFRESH_SECONDS="0" must be a whole number from 1 to 3600'],
  [{ HTTP_IDLE_TIMEOUT_SECONDS: '0' }, 'HTTP_IDLE_TIMEOUT_SECONDS="0" must be a whole number from 1 to 3600'],
  [{ HTTP_MAX_CONNECTIONS: 'many' }, 'HTTP_MAX_CONNECTIONS="many" must be a whole number from 1 to 1000000'],
])('%j is refused with a message naming the variable', (env, message) => {
  // The signaling settings that go with Service Bus are checked on their own below.
  const wakeups = { WAKEUP_SECRET: 'w'.repeat(32), WAKEUP_HOST: '10.0.0.1' };
  expect(problemsOf({ ...base, ...wakeups, ...env })).toEqual([message]);
});

test('COSMOS_PREFERRED_REGIONS keeps its order and reaches the Cosmos client as preferredLocations', () => {
  const config = load({ ...base, STORE: 'cosmos', COSMOS_ENDPOINT: 'https://x.documents.azure.com', COSMOS_KEY: 'k', COSMOS_PREFERRED_REGIONS: 'North Europe, West Europe' });
  if (config.store.kind !== 'cosmos') throw new Error('STORE=cosmos expected');
  const { endpoint, key, requestTimeoutMs, preferredRegions } = config.store.cosmos;
  expect(preferredRegions).toEqual(['North Europe', 'West Europe']);
  expect(cosmosClientOptions(endpoint, key, requestTimeoutMs, preferredRegions).connectionPolicy?.preferredLocations).toEqual(['North Europe', 'West Europe']);
  expect(cosmosClientOptions(endpoint, key, requestTimeoutMs, []).connectionPolicy).not.toHaveProperty('preferredLocations');
});

test('with Service Bus a process holding long-polls needs long WAKEUP_SECRET entries (the first signs) and a WAKEUP_HOST; session and ice ignore them', () => {
  const servicebus = { BUS: 'servicebus', SERVICEBUS_CONNECTION_STRING: 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=v' };
  const secret = 'w'.repeat(32);
  expect(load({ ...servicebus, WAKEUP_SECRET: secret, WAKEUP_HOST: '10.244.1.17' }, 'signaling').bus).toMatchObject({
    wakeups: { port: 8081, advertiseHost: '10.244.1.17', secrets: [secret] },
  });
  const next = 'n'.repeat(40);
  expect(load({ ...servicebus, WAKEUP_SECRET: `${next}, ${secret}`, WAKEUP_HOST: 'fd00::17' }, 'all-in-one').bus).toMatchObject({
    wakeups: { advertiseHost: 'fd00::17', secrets: [next, secret] },
  });
  expect(problemsOf({ ...base, ...servicebus }, 'signaling')).toEqual([
    'WAKEUP_SECRET is required by signaling with BUS=servicebus (every signaling replica shares it)',
    'WAKEUP_HOST is required by signaling with BUS=servicebus: the address other replicas reach this one at (the pod IP)',
  ]);
  const problems = problemsOf({ ...base, ...servicebus, WAKEUP_SECRET: 'short-wakeup-secret', WAKEUP_HOST: 'pod ip', WAKEUP_PORT: '99999' }, 'signaling');
  expect(problems).toEqual([
    'WAKEUP_SECRET entries must each be at least 32 characters: they authenticate wake-ups between replicas',
    'WAKEUP_HOST="pod ip" must be a host name or an IP address',
    'WAKEUP_PORT="99999" must be a whole number from 0 to 65535',
  ]);
  expect(problems.join('\n')).not.toContain('short-wakeup-secret');
  expect(load({ ...base, ...servicebus }, 'session').bus).toMatchObject({ wakeups: undefined });
  expect(load({ ...base }, 'signaling').bus).toEqual({ kind: 'memory' });
});

test('the ice service needs TURN_URLS', () => {
  expect(problemsOf({}, 'ice')).toEqual(['TURN_URLS is required by the ice service (comma list of turn:/turns: URLs)']);
});

test('every problem is reported at once, and secret values never appear in messages', () => {
  const problems = problemsOf({ PORT: 'x', STORE: 'nope', AUTH_JWT_SECRET: 'tiny-secret-value', ...PINS });
  expect(problems).toHaveLength(3);
  expect(problems.join('\n')).not.toContain('tiny-secret-value');
});
