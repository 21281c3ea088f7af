// Every knob of the load tests, read from `k6 run -e NAME=value ...` (or the environment).
// Read once in the init context, where k6 allows open().

function text(name: string, fallback: string): string {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

function number(name: string, fallback: number): number {
  const value = Number(text(name, String(fallback)));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

/** JWTS (comma or whitespace separated), else JWTS_FILE (one per line, absolute path), else JWT. */
function readJwts(): string[] {
  const fromFile = __ENV.JWTS_FILE ? open(__ENV.JWTS_FILE) : '';
  const listed = text('JWTS', fromFile || text('JWT', ''));
  const jwts = listed.split(/[\s,]+/).filter((token) => token !== '');
  if (jwts.length === 0) throw new Error('set JWTS, JWTS_FILE or JWT: tokens the staging session service accepts');
  return jwts;
}

export const config = {
  baseUrl: text('BASE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, ''),
  cookieName: text('COOKIE_NAME', 'sess38b9de00'),
  jwts: readJwts(),
  /** Optional headers the ingress adds in SME Connect; sent on /login when set. */
  adaptHost: text('ADAPT_HOST', ''),
  adaptHandler: text('ADAPT_HANDLER', ''),
  pairsPerRoom: Math.max(1, Math.floor(number('PAIRS_PER_ROOM', 1))),
  longPollWaitSeconds: number('LONGPOLL_WAIT_SECONDS', 20),
  pollIntervalSeconds: number('POLL_INTERVAL_SECONDS', 1),
  /** A handshake not done by then is a failure (and its polling stops). */
  handshakeTimeoutSeconds: number('HANDSHAKE_TIMEOUT_SECONDS', 30),
  p95Ms: number('THRESHOLD_P95_MS', 500),
  p99Ms: number('THRESHOLD_P99_MS', 1000),
  maxErrorRate: number('THRESHOLD_ERROR_RATE', 0.01),
  handshakeMs: {
    longpoll: { p95: number('THRESHOLD_HANDSHAKE_P95_MS', 1000), p99: number('THRESHOLD_HANDSHAKE_P99_MS', 2000) },
    /** Polling handshakes wait up to two poll intervals by design. */
    polling: { p95: number('THRESHOLD_POLLING_HANDSHAKE_P95_MS', 3000), p99: number('THRESHOLD_POLLING_HANDSHAKE_P99_MS', 4000) },
  },
};
