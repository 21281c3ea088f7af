import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { EnvReader } from './env-reader.ts';

export type ServiceName = 'session' | 'signaling' | 'ice';
/** Which process is starting: one service, or all three in one process. */
export type ProcessRole = ServiceName | 'all-in-one';

export const JWT_ALGORITHMS = [
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface HttpConfig {
  port: number;
  host: string;
  logLevel: string;
  /** Express `trust proxy` value: hops of proxies whose X-Forwarded-For is believed. */
  trustProxy: number;
  corsOrigins: string[];
  /** Names this process on the bus; the pod name in a cluster. */
  replicaName: string;
  /** A connection that has not sent a complete request head within this is closed. */
  idleTimeoutSeconds: number;
  /** Open connections per process; the ones beyond are closed at once. */
  maxConnections: number;
  /** Where clients reach this deployment, without a trailing slash; undefined: not configured. */
  publicUrl: string | undefined;
  /** Open connections per client address; 0: no cap. The proxies' connections are not counted. */
  maxConnectionsPerClient: number;
  /** How long a client's (not a proxy's) connection may idle between requests. */
  clientKeepAliveSeconds: number;
  /** The peers that are trusted proxies, as IPs and CIDR ranges. */
  proxyAddresses: string[];
}

export interface SessionConfig {
  cookieName: string;
  cookieSecure: boolean;
  cookieDomain: string | undefined;
  ttlSeconds: number;
  cacheSeconds: number;
  /** Live sessions per user; a login beyond ends the oldest. */
  maxPerUser: number;
}

interface TokenRules {
  clockToleranceSeconds: number;
  /** Longest accepted token life: `exp` minus `iat` (or minus now, without `iat`). */
  maxAgeSeconds: number;
}

export type AuthConfig =
  | ({ mode: 'secret'; secret: string; algorithms: JwtAlgorithm[]; issuer?: string; audience?: string } & TokenRules)
  | ({ mode: 'public-key'; publicKey: string; algorithms: JwtAlgorithm[]; issuer?: string; audience?: string } & TokenRules)
  | ({ mode: 'jwks'; jwksUrl: string; refreshSeconds: number; algorithms: JwtAlgorithm[]; issuer?: string; audience?: string } & TokenRules)
  /** No AUTH_JWT_* set in the all-in-one process: a throw-away secret and /dev/token. */
  | ({ mode: 'dev'; secret: string; algorithms: ['HS256'] } & TokenRules);

export interface TurnConfig {
  urls: string[];
  stunUrls: string[];
  /** The first signs; all are listed so coturn can be given the same rotation set. */
  secrets: string[];
  /** What follows `<expiry>:` in the username: the fixed suffix (the seed's form) or the peer uuid. */
  username: 'suffix' | 'peer';
  usernameSuffix: string;
  credentialTtlSeconds: number;
  candidatePoolSize: number;
  transportPolicy: 'all' | 'relay';
}

export interface SignalingConfig {
  sdpTtlSeconds: number;
  sdpMaxBytes: number;
  longPollMaxSeconds: number;
  fallbackIntervalSeconds: number;
  longPollMaxPerUser: number;
  longPollMaxPerReplica: number;
  /** POSTs must carry `?room` (400 otherwise): set where the ingress hashes on it. */
  roomParamRequired: boolean;
}

export interface LimitsConfig {
  /** 0 disables. */
  perIpPerMinute: number;
  perSessionPerMinute: number;
}

export interface CosmosConfig {
  endpoint: string;
  key: string | undefined;
  database: string;
  sessionsContainer: string;
  sdpsContainer: string;
  createIfMissing: boolean;
  requestTimeoutMs: number;
  /** Regions of a multi-region account in order of preference; empty: the SDK's default. */
  preferredRegions: string[];
}

export interface ServiceBusConfig {
  connectionString: string | undefined;
  namespace: string | undefined;
  topic: string;
  subscription: string | undefined;
}

/** `maxBytesPerUser`: one user's share of `maxBytes` (sessions and the SDPs they sent or wait for). */
export type StoreConfig = { kind: 'memory'; maxBytes: number; maxBytesPerUser: number } | { kind: 'cosmos'; cosmos: CosmosConfig };
/**
 * Where a signaling replica takes wake-ups from the others (HTTP on `port`, reached at
 * `advertiseHost`). `secrets`: the first signs wake-ups, every one is accepted (rotation, as with TURN_SECRET).
 */
export interface WakeupConfig {
  port: number;
  advertiseHost: string;
  secrets: string[];
}
/** With Service Bus, signaling replicas also wake each other (`wakeups`; undefined in session and ice). */
export type BusConfig = { kind: 'memory' } | { kind: 'servicebus'; serviceBus: ServiceBusConfig; wakeups: WakeupConfig | undefined };

export interface Config {
  role: ProcessRole;
  http: HttpConfig;
  session: SessionConfig;
  /** Only the processes that serve /login verify JWTs. */
  auth: AuthConfig | undefined;
  turn: TurnConfig;
  signaling: SignalingConfig;
  limits: LimitsConfig;
  store: StoreConfig;
  bus: BusConfig;
}

const DAY = 86_400;

/**
 * Where ingress controllers and load balancers reach pods from: the cluster's private networks.
 * Behind TRUST_PROXY hops, peers there are taken for proxies unless TRUST_PROXY_ADDRESSES says who they are.
 */
const PRIVATE_NETWORKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', 'fc00::/7', '::1/128'];

function readProxyAddresses(env: EnvReader, trustProxy: number): string[] {
  const listed = env.list('TRUST_PROXY_ADDRESSES');
  for (const entry of listed) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? 0 : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (family === 0 || extra !== undefined || bits < 0 || bits > (family === 4 ? 32 : 128)) {
      env.problem(`TRUST_PROXY_ADDRESSES entry ${JSON.stringify(entry)} must be an IP address or a CIDR range, e.g. 10.0.0.0/8`);
    }
  }
  if (listed.length > 0) return listed;
  return trustProxy > 0 ? PRIVATE_NETWORKS : [];
}

function readHttp(env: EnvReader): HttpConfig {
  const trustProxy = env.integer('TRUST_PROXY', 0, 0, 10);
  return {
    port: env.integer('PORT', 8080, 0, 65_535),
    host: env.string('HOST', '0.0.0.0'),
    logLevel: env.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    trustProxy,
    corsOrigins: env.list('CORS_ORIGINS'),
    replicaName: env.string('POD_NAME', hostname()),
    idleTimeoutSeconds: env.integer('HTTP_IDLE_TIMEOUT_SECONDS', 30, 1, 3600),
    maxConnections: env.integer('HTTP_MAX_CONNECTIONS', 12_000, 1, 1_000_000),
    publicUrl: readPublicUrl(env),
    maxConnectionsPerClient: env.integer('HTTP_MAX_CONNECTIONS_PER_CLIENT', 500, 0, 1_000_000),
    clientKeepAliveSeconds: env.integer('HTTP_CLIENT_KEEP_ALIVE_SECONDS', 5, 1, 65),
    proxyAddresses: readProxyAddresses(env, trustProxy),
  };
}

function readPublicUrl(env: EnvReader): string | undefined {
  const value = env.optionalString('PUBLIC_URL');
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || /[?#]/.test(value)) {
    env.problem(`PUBLIC_URL=${JSON.stringify(value)} must be an absolute http(s) URL without query, fragment or credentials, e.g. https://signal.example.com`);
    return undefined;
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * The session cache is safe wherever every revocation reaches every cache: through Service Bus,
 * or inside the one process of the memory store. Cosmos sessions shared by processes without a
 * bus between them could outlive a logout in a cache, so there it is off unless asked for.
 */
function sessionCacheDefault(env: EnvReader): number {
  return env.raw('BUS') === 'servicebus' || env.raw('STORE') !== 'cosmos' ? 30 : 0;
}

function readSession(env: EnvReader): SessionConfig {
  const cookieId = env.matching('SESSION_COOKIE_ID', '38b9de00', /^[0-9a-f]{8}$/, '8 lowercase hex digits');
  const cookieSecure = env.boolean('SESSION_COOKIE_SECURE', true);
  const cookieDomain = env.optionalString('SESSION_COOKIE_DOMAIN');
  // Browsers only store a __Host- cookie that is Secure, has Path=/ and no Domain: any other
  // combination would be dropped silently and no login would ever stick.
  const hostPrefix = env.boolean('SESSION_COOKIE_HOST_PREFIX', false);
  if (hostPrefix && !cookieSecure) env.problem('SESSION_COOKIE_HOST_PREFIX=true needs SESSION_COOKIE_SECURE=true: browsers drop a __Host- cookie without Secure');
  if (hostPrefix && cookieDomain !== undefined) env.problem('SESSION_COOKIE_HOST_PREFIX=true cannot be combined with SESSION_COOKIE_DOMAIN: a __Host- cookie has no Domain');
  return {
    cookieName: `${hostPrefix ? '__Host-' : ''}sess${cookieId}`,
    cookieSecure,
    cookieDomain,
    ttlSeconds: env.integer('SESSION_TTL_SECONDS', 7200, 60, 30 * DAY),
    cacheSeconds: env.integer('SESSION_CACHE_SECONDS', sessionCacheDefault(env), 0, 300),
    maxPerUser: env.integer('SESSION_MAX_PER_USER', 20, 1, 1000),
  };
}

function readAlgorithms(env: EnvReader, allowed: readonly JwtAlgorithm[], fallback: JwtAlgorithm[]): JwtAlgorithm[] {
  const listed = env.list('AUTH_JWT_ALGORITHMS');
  if (listed.length === 0) return fallback;
  const bad = listed.filter((alg) => !(allowed as readonly string[]).includes(alg));
  if (bad.length > 0) env.problem(`AUTH_JWT_ALGORITHMS has ${bad.join(', ')}; allowed here: ${allowed.join(', ')}`);
  return listed.filter((alg): alg is JwtAlgorithm => (allowed as readonly string[]).includes(alg));
}

function readAuth(env: EnvReader, role: ProcessRole, devSecret: () => string): AuthConfig {
  const secret = env.raw('AUTH_JWT_SECRET');
  const publicKey = env.raw('AUTH_JWT_PUBLIC_KEY');
  const jwksUrl = env.raw('AUTH_JWKS_URL');
  const common = {
    issuer: env.optionalString('AUTH_JWT_ISSUER'),
    audience: env.optionalString('AUTH_JWT_AUDIENCE'),
    clockToleranceSeconds: env.integer('AUTH_CLOCK_TOLERANCE_SECONDS', 30, 0, 300),
    maxAgeSeconds: env.integer('AUTH_JWT_MAX_AGE_SECONDS', DAY, 60, 30 * DAY),
  };
  const given = [secret, publicKey, jwksUrl].filter((v) => v !== undefined).length;
  if (given > 1) env.problem('set only one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY, AUTH_JWKS_URL');
  if (given > 0) {
    // Without both pins any token the key signs is accepted, and a multi-tenant issuer's keys
    // (Entra ID's, say) sign every tenant's tokens for every app.
    if (common.issuer === undefined) env.problem('AUTH_JWT_ISSUER is required with a configured key (the issuer, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0)');
    if (common.audience === undefined) env.problem("AUTH_JWT_AUDIENCE is required with a configured key (Signal's application id, e.g. api://<client-id> or the client id)");
  }
  const hmac = JWT_ALGORITHMS.filter((a) => a.startsWith('HS'));
  const asymmetric = JWT_ALGORITHMS.filter((a) => !a.startsWith('HS'));
  if (secret !== undefined) {
    if (Buffer.byteLength(secret) < 32) env.problem('AUTH_JWT_SECRET must be at least 32 bytes long');
    return { mode: 'secret', secret, algorithms: readAlgorithms(env, hmac, ['HS256', 'HS384', 'HS512']), ...common };
  }
  if (publicKey !== undefined) {
    if (!publicKey.includes('-----BEGIN')) env.problem('AUTH_JWT_PUBLIC_KEY must be a PEM public key');
    return { mode: 'public-key', publicKey: publicKey.replaceAll('\\n', '\n'), algorithms: readAlgorithms(env, asymmetric, [...asymmetric]), ...common };
  }
  if (jwksUrl !== undefined) {
    // Over http anyone on the path could substitute the keys; tests serve theirs from loopback.
    const allowHttp = env.boolean('AUTH_JWKS_ALLOW_HTTP_FOR_TESTS', false);
    if (!(/^https:\/\//.test(jwksUrl) || (allowHttp && /^http:\/\//.test(jwksUrl)))) env.problem('AUTH_JWKS_URL must be an https: URL (AUTH_JWKS_ALLOW_HTTP_FOR_TESTS=true lets tests use http:)');
    const refreshSeconds = env.integer('AUTH_JWKS_REFRESH_SECONDS', 60, 1, 3600);
    return { mode: 'jwks', jwksUrl, refreshSeconds, algorithms: readAlgorithms(env, asymmetric, [...asymmetric]), ...common };
  }
  if (role !== 'all-in-one') {
    env.problem('one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL is required (dev mode exists only in the all-in-one process)');
  }
  return { mode: 'dev', secret: devSecret(), algorithms: ['HS256'], clockToleranceSeconds: common.clockToleranceSeconds, maxAgeSeconds: common.maxAgeSeconds };
}

/** Shortest TURN secret outside dev mode: whoever guesses it mints relay credentials for anyone. */
const TURN_SECRET_MIN_LENGTH = 32;

function readTurn(env: EnvReader, role: ProcessRole, devMode: boolean): TurnConfig {
  const urls = env.list('TURN_URLS');
  const secrets = env.list('TURN_SECRET');
  if (role === 'ice' && urls.length === 0) env.problem('TURN_URLS is required by the ice service (comma list of turn:/turns: URLs)');
  if (urls.length > 0 && secrets.length === 0) env.problem('TURN_SECRET is required when TURN_URLS is set');
  if (!devMode) {
    secrets.forEach((secret, index) => {
      if (secret.length < TURN_SECRET_MIN_LENGTH) env.problem(`TURN_SECRET entry ${index + 1} must be at least ${TURN_SECRET_MIN_LENGTH} characters long`);
    });
  }
  for (const url of urls) if (!/^turns?:/.test(url)) env.problem(`TURN_URLS entry ${JSON.stringify(url)} must start with turn: or turns:`);
  const stunUrls = env.list('STUN_URLS');
  for (const url of stunUrls) if (!/^stuns?:/.test(url)) env.problem(`STUN_URLS entry ${JSON.stringify(url)} must start with stun: or stuns:`);
  return {
    urls,
    stunUrls,
    secrets,
    username: env.oneOf('TURN_USERNAME', 'suffix', ['suffix', 'peer']),
    usernameSuffix: env.matching('TURN_USERNAME_SUFFIX', 'turntls', /^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, underscore or dash'),
    credentialTtlSeconds: env.integer('TURN_CREDENTIAL_TTL_SECONDS', 3600, 60, DAY),
    candidatePoolSize: env.integer('ICE_CANDIDATE_POOL_SIZE', 5, 0, 255),
    transportPolicy: env.oneOf('ICE_TRANSPORT_POLICY', 'all', ['all', 'relay']),
  };
}

function readSignaling(env: EnvReader): SignalingConfig {
  return {
    sdpTtlSeconds: env.integer('SDP_TTL_SECONDS', 300, 10, DAY),
    sdpMaxBytes: env.integer('SDP_MAX_BYTES', 65_536, 1024, 1_048_576),
    longPollMaxSeconds: env.integer('LONGPOLL_MAX_SECONDS', 25, 0, 120),
    fallbackIntervalSeconds: env.integer('LONGPOLL_FALLBACK_INTERVAL_SECONDS', 2, 1, 60),
    // LONGPOLL_MAX_PER_SESSION is the variable's old name, kept so existing deployments keep their value.
    longPollMaxPerUser: env.integer('LONGPOLL_MAX_PER_USER', env.integer('LONGPOLL_MAX_PER_SESSION', 64, 1, 10_000), 1, 10_000),
    longPollMaxPerReplica: env.integer('LONGPOLL_MAX_PER_REPLICA', 10_000, 1, 1_000_000),
    roomParamRequired: env.boolean('ROOM_PARAM_REQUIRED', false),
  };
}

function readLimits(env: EnvReader): LimitsConfig {
  return {
    perIpPerMinute: env.integer('RATE_LIMIT_PER_IP_PER_MINUTE', 6000, 0, 10_000_000),
    perSessionPerMinute: env.integer('RATE_LIMIT_PER_SESSION_PER_MINUTE', 3000, 0, 10_000_000),
  };
}

/** Azure region names as the SDK accepts them: "West Europe" or "westeurope". */
function readRegions(env: EnvReader): string[] {
  const regions = env.list('COSMOS_PREFERRED_REGIONS');
  for (const region of regions) {
    if (!/^[A-Za-z][A-Za-z0-9 ]{1,40}$/.test(region)) env.problem(`COSMOS_PREFERRED_REGIONS entry ${JSON.stringify(region)} must be an Azure region name, e.g. West Europe`);
  }
  if (new Set(regions.map((r) => r.replaceAll(' ', '').toLowerCase())).size !== regions.length) env.problem('COSMOS_PREFERRED_REGIONS lists a region twice');
  return regions;
}

function readStore(env: EnvReader): StoreConfig {
  const kind = env.oneOf('STORE', 'memory', ['memory', 'cosmos']);
  if (kind === 'memory') {
    const maxBytes = env.integer('MEMORY_STORE_MAX_MB', 256, 1, 65_536) * 1024 * 1024;
    return { kind, maxBytes, maxBytesPerUser: Math.floor((maxBytes * env.integer('MEMORY_STORE_USER_SHARE_PERCENT', 5, 1, 100)) / 100) };
  }
  const endpoint = env.required('COSMOS_ENDPOINT', 'when STORE=cosmos');
  if (endpoint !== '' && !/^https?:\/\//.test(endpoint)) env.problem('COSMOS_ENDPOINT must be an http(s) URL');
  return {
    kind,
    cosmos: {
      endpoint,
      key: env.optionalString('COSMOS_KEY'),
      database: env.string('COSMOS_DATABASE', 'signal'),
      sessionsContainer: env.string('COSMOS_SESSIONS_CONTAINER', 'sessions'),
      sdpsContainer: env.string('COSMOS_SDPS_CONTAINER', 'sdps'),
      createIfMissing: env.boolean('COSMOS_CREATE_IF_MISSING', false),
      requestTimeoutMs: env.integer('COSMOS_REQUEST_TIMEOUT_MS', 2000, 100, 2000),
      preferredRegions: readRegions(env),
    },
  };
}

/** A host name, an IPv4 address or an IPv6 address (unbracketed): what peers connect to. */
const WAKEUP_HOST = /^(?:[A-Za-z0-9.-]+|[0-9A-Fa-f:.]+)$/;

function readWakeups(env: EnvReader): WakeupConfig {
  const secrets = env.list('WAKEUP_SECRET');
  if (secrets.length === 0) env.problem('WAKEUP_SECRET is required by signaling with BUS=servicebus (every signaling replica shares it)');
  if (secrets.some((secret) => secret.length < 32)) env.problem('WAKEUP_SECRET entries must each be at least 32 characters: they authenticate wake-ups between replicas');
  const advertiseHost = env.required('WAKEUP_HOST', 'by signaling with BUS=servicebus: the address other replicas reach this one at (the pod IP)');
  if (advertiseHost !== '' && !WAKEUP_HOST.test(advertiseHost)) env.problem(`WAKEUP_HOST=${JSON.stringify(advertiseHost)} must be a host name or an IP address`);
  return { port: env.integer('WAKEUP_PORT', 8081, 0, 65_535), advertiseHost, secrets };
}

function readBus(env: EnvReader, role: ProcessRole): BusConfig {
  const kind = env.oneOf('BUS', 'memory', ['memory', 'servicebus']);
  if (kind === 'memory') return { kind };
  const connectionString = env.optionalString('SERVICEBUS_CONNECTION_STRING');
  const namespace = env.optionalString('SERVICEBUS_NAMESPACE');
  if (connectionString === undefined && namespace === undefined) {
    env.problem('BUS=servicebus needs SERVICEBUS_CONNECTION_STRING or SERVICEBUS_NAMESPACE (with workload identity)');
  }
  if (connectionString !== undefined && !/Endpoint=sb:\/\//i.test(connectionString)) {
    env.problem('SERVICEBUS_CONNECTION_STRING must contain Endpoint=sb://...');
  }
  return {
    kind,
    serviceBus: {
      connectionString,
      namespace,
      topic: env.string('SERVICEBUS_TOPIC', 'signal-events'),
      subscription: env.optionalString('SERVICEBUS_SUBSCRIPTION'),
    },
    // Only processes holding long-polls are woken; session and ice ignore the settings.
    wakeups: role === 'signaling' || role === 'all-in-one' ? readWakeups(env) : undefined,
  };
}

/**
 * Reads and validates every variable the process may use, and throws one ConfigError naming all
 * bad ones. `devSecret` is only called when dev mode is chosen.
 */
export function loadConfig(
  source: Record<string, string | undefined>,
  role: ProcessRole,
  devSecret: () => string,
): Config {
  const env = new EnvReader(source);
  const auth = role === 'session' || role === 'all-in-one' ? readAuth(env, role, devSecret) : undefined;
  const config: Config = {
    role,
    http: readHttp(env),
    session: readSession(env),
    auth,
    turn: readTurn(env, role, auth?.mode === 'dev'),
    signaling: readSignaling(env),
    limits: readLimits(env),
    store: readStore(env),
    bus: readBus(env, role),
  };
  env.done();
  return config;
}
