import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020.js';
import { buildOpenApiDocument } from '../../src/api/openapi-document.ts';
import { seedExamples } from '../../src/api/seed-examples.ts';
import { DEFAULT_DOCUMENT_OPTIONS as DEFAULT_DOCUMENT } from '../../src/http/openapi.ts';
import { redoclyLint } from './redocly-lint.ts';

const document = buildOpenApiDocument(DEFAULT_DOCUMENT);
const OPERATIONS = ['login', 'logout', 'getOffer', 'postOffer', 'getAnswer', 'postAnswer', 'expire', 'getIceServers'];

test('the lint (run on the served document in tests/api) is not vacuous: a document without operation ids, security and servers fails it', async () => {
  const broken = structuredClone(document) as { servers?: unknown; paths: Record<string, Record<string, { operationId?: string; security?: unknown }>> };
  delete broken.servers;
  delete broken.paths['/login']!.get!.operationId;
  delete broken.paths['/logout']!.get!.security;
  const result = await redoclyLint(broken);
  expect(new Set(result.problems.map((p) => p.ruleId))).toEqual(new Set(['no-empty-servers', 'operation-operationId', 'security-defined']));
}, 60_000);

test('eight operations, each with an operationId and security (bearer for /login, the session cookie elsewhere)', () => {
  const operations = Object.values(document.paths).flatMap((item) => Object.values(item) as { operationId: string; security: Record<string, string[]>[] }[]);
  expect(operations.map((op) => op.operationId)).toEqual(OPERATIONS);
  for (const op of operations) expect(op.security).toEqual(op.operationId === 'login' ? [{ bearerToken: [] }] : [{ sessionCookie: [] }]);
  expect(document.components.securitySchemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: DEFAULT_DOCUMENT.cookieName });
});

test('configured limits and server are what the document states', () => {
  const custom = buildOpenApiDocument({ sdpMaxBytes: 2048, longPollMaxSeconds: 7, cookieName: 'sessabcdef01', serverUrl: 'https://signal.example.org' });
  expect(custom.servers).toEqual([{ url: 'https://signal.example.org', description: expect.any(String) }]);
  expect(custom.components.schemas.SdpPost).toMatchObject({ properties: { sdp: { 'x-max-bytes': 2048 } } });
  const wait = (custom.paths['/offer']!.get as { parameters: { name: string; schema: object }[] }).parameters.find((p) => p.name === 'wait');
  expect(wait?.schema).toEqual({ type: 'integer', minimum: 0, maximum: 7 });
});

test("the seed's examples conform to the component schemas", () => {
  // As in the request validators: the uuid format is documentation, the schemas' patterns check it.
  const ajv = new Ajv2020.default({ strict: false, formats: { uuid: true } });
  ajv.addSchema(document, 'signal');
  const conforms = (name: string, value: unknown) => ajv.validate(`signal#/components/schemas/${name}`, value);
  expect(conforms('StoredSdp', seedExamples.storedSdp)).toBe(true);
  expect(conforms('SdpPost', seedExamples.sdpPost)).toBe(true);
  expect(conforms('ExpireRequest', seedExamples.expireRequest)).toBe(true);
  expect(conforms('LoginResponse', seedExamples.login)).toBe(true);
  expect(conforms('IceConfig', JSON.parse(seedExamples.iceServers))).toBe(true);
  expect(conforms('Error', seedExamples.invalidId)).toBe(true);
  expect(conforms('Accepted', seedExamples.accepted)).toBe(true);
});

test("the demo client's declarations typecheck against the generated types (declaration files checked too)", async () => {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const args = ['--ignoreConfig', '--noEmit', '--strict', '--skipLibCheck', 'false', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
  args.push('--target', 'es2024', '--lib', 'es2024', '--types', 'node', 'services/all-in-one/public/demo/signal-client.d.ts');
  const result = await promisify(execFile)(`${root}node_modules/.bin/tsc`, args, { cwd: root }).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(result).toBe('');
}, 30_000);
