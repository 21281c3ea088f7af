import { lookalikeVariables, type Lookalike } from './env-reader.ts';

/**
 * Every variable any Signal process reads, whatever its role and backends (the README's
 * configuration table documents each; a test keeps this list equal to what the config reads).
 */
export const SIGNAL_VARIABLES: readonly string[] = [
  'AUTH_CLOCK_TOLERANCE_SECONDS', 'AUTH_JWKS_ALLOW_HTTP_FOR_TESTS', 'AUTH_JWKS_REFRESH_SECONDS', 'AUTH_JWKS_URL', 'AUTH_JWT_ALGORITHMS', 'AUTH_JWT_AUDIENCE',
  'AUTH_JWT_ISSUER', 'AUTH_JWT_MAX_AGE_SECONDS', 'AUTH_JWT_PUBLIC_KEY', 'AUTH_JWT_SECRET', 'BUS', 'CORS_ORIGINS',
  'COSMOS_CREATE_IF_MISSING', 'COSMOS_DATABASE', 'COSMOS_ENDPOINT', 'COSMOS_KEY', 'COSMOS_PREFERRED_REGIONS',
  'COSMOS_REQUEST_TIMEOUT_MS', 'COSMOS_SDPS_CONTAINER', 'COSMOS_SESSIONS_CONTAINER', 'HOST', 'HTTP_CLIENT_KEEP_ALIVE_SECONDS', 'HTTP_IDLE_TIMEOUT_SECONDS',
  'HTTP_MAX_CONNECTIONS', 'HTTP_MAX_CONNECTIONS_PER_CLIENT', 'ICE_CANDIDATE_POOL_SIZE', 'ICE_TRANSPORT_POLICY', 'LOG_LEVEL', 'LONGPOLL_FALLBACK_INTERVAL_SECONDS',
  'LONGPOLL_MAX_PER_REPLICA', 'LONGPOLL_MAX_PER_SESSION', 'LONGPOLL_MAX_PER_USER', 'LONGPOLL_MAX_SECONDS', 'MEMORY_STORE_MAX_MB',
  'MEMORY_STORE_USER_SHARE_PERCENT',
  'POD_NAME', 'PORT', 'PUBLIC_URL', 'RATE_LIMIT_PER_IP_PER_MINUTE', 'RATE_LIMIT_PER_SESSION_PER_MINUTE', 'ROOM_PARAM_REQUIRED', 'SDP_MAX_BYTES', 'SDP_TTL_SECONDS',
  'SERVICEBUS_CONNECTION_STRING', 'SERVICEBUS_NAMESPACE', 'SERVICEBUS_SUBSCRIPTION', 'SERVICEBUS_TOPIC',
  'SESSION_CACHE_SECONDS', 'SESSION_COOKIE_DOMAIN', 'SESSION_COOKIE_HOST_PREFIX', 'SESSION_COOKIE_ID', 'SESSION_COOKIE_SECURE', 'SESSION_MAX_PER_USER',
  'SESSION_TTL_SECONDS', 'STORE', 'STUN_URLS', 'TRUST_PROXY', 'TRUST_PROXY_ADDRESSES', 'TURN_CREDENTIAL_TTL_SECONDS', 'TURN_SECRET', 'TURN_URLS',
  'TURN_USERNAME', 'TURN_USERNAME_SUFFIX', 'WAKEUP_HOST', 'WAKEUP_PORT', 'WAKEUP_SECRET',
];

/**
 * Prefixes only Signal's variables use here. Generic ones (`HTTP_`, `LOG_`, `HOST`) are left out:
 * `HTTP_PROXY` and the like belong to other software in the same environment.
 */
const SIGNAL_PREFIXES = ['AUTH_', 'SESSION_', 'TURN_', 'STUN_', 'ICE_', 'SDP_', 'LONGPOLL_', 'RATE_LIMIT_', 'COSMOS_', 'SERVICEBUS_', 'WAKEUP', 'MEMORY_STORE_'];

/** The test suites' own switches (`COSMOS_TEST_ENDPOINT`, say) share the prefixes but are not read by Signal. */
const TEST_ONLY = /_TEST_/;

/** Set variables that look like Signal's but are not read by it, each with the one probably meant. */
export function misspeltVariables(env: Record<string, string | undefined>): Lookalike[] {
  const candidates = Object.fromEntries(Object.entries(env).filter(([name]) => !TEST_ONLY.test(name)));
  return lookalikeVariables(candidates, SIGNAL_VARIABLES, SIGNAL_PREFIXES);
}
