import type { TObject, TSchema } from '@sinclair/typebox';
import { wireSchemas, type WireLimits } from './schemas.ts';
import { seedExamples } from './seed-examples.ts';

/**
 * The OpenAPI 3.1 document, generated from the wire schemas: what is documented is what the
 * validators check. Operation ids, security on every operation, servers and the seed's examples
 * let consumers generate clients from it.
 */
export interface DocumentOptions extends WireLimits {
  /** The session cookie's name (sess<SESSION_COOKIE_ID>). */
  cookieName: string;
  /** Where this API is reached: from the request that asked for the document, or configuration. */
  serverUrl: string;
}

type JsonSchema = Record<string, unknown>;
type Components = ReturnType<typeof wireSchemas>['components'];
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  servers: { url: string; description: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<keyof Components, JsonSchema> };
};

const ref = (name: keyof Components) => ({ $ref: `#/components/schemas/${name}` });

/** Plain JSON copies of the schemas in which every nested named component becomes a $ref. */
function toDocumentSchemas(components: Components): (schema: TSchema, self?: TSchema) => JsonSchema {
  const names = new Map<unknown, keyof Components>(Object.entries(components).map(([name, schema]) => [schema, name as keyof Components]));
  const convert = (value: unknown, self: unknown): unknown => {
    if (Array.isArray(value)) return value.map((item) => convert(item, self));
    if (typeof value !== 'object' || value === null) return value;
    const name = names.get(value);
    if (name !== undefined && value !== self) return ref(name);
    // Object.entries leaves out TypeBox's symbol keys, which are no JSON Schema.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, convert(item, self)]));
  };
  return (schema, self) => convert(schema, self) as JsonSchema;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input',
  401: 'No live session (or, for /login, an unacceptable token)',
  403: 'Not allowed for this session',
  413: 'Request body too large',
  415: 'Request body is not JSON',
  429: 'Too many requests; see Retry-After',
  503: 'A dependency is unavailable; retry',
};

function json(schema: object, description: string, example?: unknown) {
  return { description, content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

function errors(codes: number[], examples: Record<number, unknown> = {}) {
  return Object.fromEntries(codes.map((code) => [String(code), json(ref('Error'), ERROR_TEXT[code] ?? 'Error', examples[code])]));
}

const COOKIE = [{ sessionCookie: [] }];
const TROUBLESHOOTING =
  'When troubleshooting WebRTC connections, check that the peer polling for an SDP had its counterpart sent with POST, by the right user, in the same room.';

export function buildOpenApiDocument(options: DocumentOptions): OpenApiDocument {
  const { components, SdpQuery, PostQuery, LoginHeaders, LogoutQuery } = wireSchemas(options);
  const schema = toDocumentSchemas(components);
  /** One parameter per property of an object schema of query values or headers. */
  const parametersOf = (object: TObject, where: 'query' | 'header') => {
    const required: readonly string[] = object.required ?? [];
    return Object.entries(object.properties).map(([name, property]) => {
      const { description, ...rest } = schema(property);
      return { name, in: where, required: required.includes(name), description, schema: rest };
    });
  };
  const parameters = parametersOf(SdpQuery, 'query');
  const postParameters = parametersOf(PostQuery, 'query');
  const getSdp = (type: 'offer' | 'answer') => ({
    operationId: type === 'offer' ? 'getOffer' : 'getAnswer',
    summary: `Read the latest ${type} a peer sent to the caller in a room`,
    description: `The ${type === 'offer' ? 'answerer' : 'offerer'} polls this until the peer's ${type} is there; with wait, one request is held until it arrives. ${TROUBLESHOOTING}`,
    security: COOKIE,
    parameters,
    responses: {
      200: json(ref('StoredSdp'), `The ${type}`, seedExamples.storedSdp),
      204: { description: `No live ${type} from that peer (after waiting, if wait was given)` },
      ...errors([400, 401, 429, 503], { 400: seedExamples.invalidId }),
    },
  });
  const postSdp = (type: 'offer' | 'answer') => ({
    operationId: type === 'offer' ? 'postOffer' : 'postAnswer',
    summary: `Send an ${type} to a peer in a room`,
    description: `Stores the ${type} (replacing an earlier one) for the peer to read with GET /${type}; the sender is the session's user.`,
    security: COOKIE,
    parameters: postParameters,
    requestBody: { required: true, content: { 'application/json': { schema: ref('SdpPost'), example: seedExamples.sdpPost } } },
    responses: {
      200: json(ref('Accepted'), 'Stored', seedExamples.accepted),
      ...errors([400, 401, 413, 415, 429, 503], { 400: seedExamples.invalidId }),
    },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Signal',
      version: '1.0.0',
      description: 'Signal manages the WebRTC connections between peers in SME Connect.',
      license: { name: 'Proprietary: SME Connect', identifier: 'LicenseRef-SME-Connect-Proprietary' },
    },
    servers: [{ url: options.serverUrl, description: 'This Signal deployment' }],
    paths: {
      '/login': {
        get: {
          operationId: 'login',
          summary: 'Turn an upstream JWT into a Signal session cookie',
          description: 'The user holds a valid JWT from the auth service; Signal creates a session and returns it as a cookie, with the identity it belongs to.',
          security: [{ bearerToken: [] }],
          parameters: parametersOf(LoginHeaders, 'header'),
          responses: {
            200: {
              ...json(ref('LoginResponse'), 'Logged in; Set-Cookie carries the session cookie', seedExamples.login),
              headers: {
                'Set-Cookie': { description: `${options.cookieName}=<session UUID>; HttpOnly; SameSite=Lax`, schema: { type: 'string' } },
              },
            },
            ...errors([400, 401, 429, 503]),
          },
        },
      },
      '/logout': {
        get: {
          operationId: 'logout',
          summary: 'End the session (with all=true, every session of the user) and clear its cookie',
          description: 'The session ends on every replica at once; a 200 has an empty body. With all=true, a request a browser marks as coming from another site (Sec-Fetch-Site) is 403.',
          security: COOKIE,
          parameters: parametersOf(LogoutQuery, 'query'),
          responses: { 200: { description: 'Logged out; empty body' }, ...errors([400, 401, 403, 429, 503], { 401: seedExamples.failedLogout }) },
        },
      },
      '/offer': { get: getSdp('offer'), post: postSdp('offer') },
      '/answer': { get: getSdp('answer'), post: postSdp('answer') },
      '/expire': {
        post: {
          operationId: 'expire',
          summary: 'Expire the SDPs of one type between two peers in a room (both directions)',
          description: 'Called when a user joins a room again, to clear SDPs left from before. Idempotent; only the source or the destination may ask.',
          security: COOKIE,
          parameters: postParameters,
          requestBody: { required: true, content: { 'application/json': { schema: ref('ExpireRequest'), example: seedExamples.expireRequest } } },
          responses: {
            200: json(ref('Accepted'), 'Expired (idempotent)', seedExamples.accepted),
            ...errors([400, 401, 403, 413, 415, 429, 503], { 400: seedExamples.invalidId }),
          },
        },
      },
      '/ice_servers': {
        get: {
          operationId: 'getIceServers',
          summary: 'ICE servers with time-limited TURN credentials, as a JSON-encoded string',
          description: 'The first call when joining a room. The body is a JSON string whose content is the RTCPeerConnection configuration, as the existing clients expect.',
          security: COOKIE,
          responses: {
            200: json({ type: 'string', contentMediaType: 'application/json', contentSchema: ref('IceConfig') }, 'A JSON string', seedExamples.iceServers),
            ...errors([401, 429, 503]),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The JWT from the auth service' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: options.cookieName, description: 'The session cookie GET /login sets' },
      },
      schemas: Object.fromEntries(Object.entries(components).map(([name, component]) => [name, schema(component, component)])) as Record<keyof Components, JsonSchema>,
    },
  };
}
