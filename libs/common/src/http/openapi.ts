/**
 * OpenAPI 3.1 description of Signal's wire format, kept true by tests that validate real
 * responses against it. Paths, parameters, the cookie and the `{"body": ...}` envelope follow the
 * original Signal export in shared/seeds.
 */
const uuid = { type: 'string', format: 'uuid', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' };
const shortname = { type: 'string', pattern: '^[a-z-]+$', example: 'some-four-word-combination' };
const envelope = (body: object) => ({ type: 'object', required: ['body'], additionalProperties: false, properties: { body } });
const error = { $ref: '#/components/schemas/Error' };
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((code) => [String(code), json(error, ERROR_TEXT[code] ?? 'Error')]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input',
  401: 'No live session (or, for /login, an unacceptable token)',
  403: 'Not allowed for this session',
  405: 'Method not allowed',
  413: 'Request body too large',
  415: 'Request body is not JSON',
  429: 'Too many requests; see Retry-After',
  503: 'A dependency is unavailable; retry',
};
const cookieAuth = [{ sessionCookie: [] }];
const sdpQuery = [
  { name: 'signalId', in: 'query', required: true, description: 'The UUID of the peer the user is trying to connect with', schema: uuid },
  { name: 'room', in: 'query', required: true, description: 'The room UUID the user is in', schema: uuid },
  { name: 'shortname', in: 'query', required: true, description: 'The room shortname', schema: shortname },
  {
    name: 'wait',
    in: 'query',
    required: false,
    description: 'Long-poll: seconds to wait for the SDP when none is stored yet (0..LONGPOLL_MAX_SECONDS). Without it the answer is immediate.',
    schema: { type: 'integer', minimum: 0, maximum: 120 },
  },
];
const getSdp = (type: string) => ({
  summary: `Read the latest ${type} the peer sent to the caller in the room`,
  security: cookieAuth,
  parameters: sdpQuery,
  responses: {
    200: json({ $ref: '#/components/schemas/StoredSdp' }, `The ${type}`),
    204: { description: `No live ${type} from that peer (after waiting, if wait was given)` },
    ...errors(400, 401, 429, 503),
  },
});
const postSdp = (type: string) => ({
  summary: `Store an ${type} for a peer`,
  security: cookieAuth,
  requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SdpPost' } } } },
  responses: { 200: json({ $ref: '#/components/schemas/Accepted' }, 'Stored'), ...errors(400, 401, 413, 415, 429, 503) },
});

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Signal',
    version: '1.0.0',
    description: 'Signal manages the WebRTC connections between peers in SME Connect.',
  },
  paths: {
    '/login': {
      get: {
        summary: 'Turn an upstream JWT into a Signal session cookie',
        parameters: [
          { name: 'Authorization', in: 'header', required: true, schema: { type: 'string', pattern: '^Bearer ' } },
          { name: 'x-adapt-host', in: 'header', required: false, schema: { type: 'string' } },
          { name: 'x-adapt-handler', in: 'header', required: false, schema: { type: 'string' } },
          { name: 'x-adapt-url', in: 'header', required: false, schema: { type: 'string' } },
        ],
        responses: {
          200: {
            description: 'Logged in; Set-Cookie carries the session cookie',
            headers: { 'Set-Cookie': { schema: { type: 'string' }, description: 'sess<8 hex>=<session UUID>; HttpOnly; SameSite=Lax' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/LoginResponse' } } },
          },
          ...errors(401, 429, 503),
        },
      },
    },
    '/logout': {
      get: {
        summary: 'End the session (with all=true, every session of the user) and clear its cookie',
        security: cookieAuth,
        parameters: [
          { name: 'all', in: 'query', required: false, description: 'true ends every session of the user, on every device', schema: { const: 'true' } },
        ],
        responses: { 200: { description: 'Logged out; empty body' }, ...errors(400, 401, 429, 503) },
      },
    },
    '/offer': { get: getSdp('offer'), post: postSdp('offer') },
    '/answer': { get: getSdp('answer'), post: postSdp('answer') },
    '/expire': {
      post: {
        summary: 'Expire the SDPs of one type between two peers in a room (both directions)',
        security: cookieAuth,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/ExpireRequest' } } } },
        responses: { 200: json({ $ref: '#/components/schemas/Accepted' }, 'Expired (idempotent)'), ...errors(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    '/ice_servers': {
      get: {
        summary: 'ICE servers with time-limited TURN credentials, as a JSON-encoded string',
        security: cookieAuth,
        responses: {
          200: json({ type: 'string', contentMediaType: 'application/json', contentSchema: { $ref: '#/components/schemas/IceConfig' } }, 'A JSON string'),
          ...errors(401, 429, 503),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'sess38b9de00', description: 'sess<SESSION_COOKIE_ID>; the name is configurable' },
    },
    schemas: {
      Error: envelope({ type: 'string' }),
      Accepted: envelope({ const: true }),
      Room: {
        type: 'object',
        required: ['uuid', 'shortname'],
        properties: { uuid, shortname, name: { type: 'string' }, connected: { type: 'boolean' } },
      },
      SdpPost: {
        type: 'object',
        required: ['to', 'sdp', 'room'],
        properties: { to: uuid, sdp: { type: 'string', pattern: '^v=0' }, room: { $ref: '#/components/schemas/Room' } },
      },
      StoredSdp: {
        type: 'object',
        required: ['from', 'sdp'],
        additionalProperties: false,
        properties: { from: uuid, sdp: { type: 'string' } },
      },
      ExpireRequest: {
        type: 'object',
        required: ['source', 'type', 'destination', 'room'],
        properties: { source: uuid, type: { enum: ['offer', 'answer'] }, destination: uuid, room: { $ref: '#/components/schemas/Room' } },
      },
      LoginResponse: {
        type: 'object',
        required: ['session'],
        additionalProperties: false,
        properties: {
          session: {
            type: 'object',
            required: ['auth_source', 'subject', 'uid', 'name', 'uuid'],
            additionalProperties: false,
            properties: {
              auth_source: {
                type: 'object',
                required: ['name', 'code'],
                additionalProperties: false,
                properties: { name: { type: 'string' }, code: { type: 'string' } },
              },
              subject: { type: 'string' },
              uid: { type: 'string' },
              name: { type: 'string' },
              uuid,
            },
          },
        },
      },
      IceConfig: {
        type: 'object',
        required: ['cfg', 'con'],
        additionalProperties: false,
        properties: {
          cfg: {
            type: 'object',
            required: ['iceCandidatePoolSize', 'iceTransportPolicy', 'iceServers'],
            additionalProperties: false,
            properties: {
              iceCandidatePoolSize: { type: 'integer', minimum: 0 },
              iceTransportPolicy: { enum: ['all', 'relay'] },
              iceServers: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['urls', 'hasCredentials'],
                  additionalProperties: false,
                  properties: {
                    urls: { type: 'string' },
                    hasCredentials: { type: 'boolean' },
                    username: { type: 'string', pattern: '^\\d+:' },
                    credential: { type: 'string' },
                  },
                },
              },
            },
          },
          con: {
            type: 'object',
            required: ['optional'],
            properties: { optional: { type: 'array', items: { type: 'object' } } },
          },
        },
      },
    },
  },
} as const;
