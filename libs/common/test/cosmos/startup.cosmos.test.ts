import { randomUUID } from 'node:crypto';
import { type ContainerDefinition, CosmosClient } from '@azure/cosmos';
import { CosmosConnection, type CosmosConnectionOptions, createCosmosClient } from '../../src/adapters/cosmos/connection.ts';
import { definitionFor } from '../../src/adapters/cosmos/containers.ts';
import { type CosmosTestServer, startCosmosServer } from '../../../../test-support/cosmos/cosmos-server.ts';

let server: CosmosTestServer;
let raw: CosmosClient;

beforeAll(async () => {
  server = await startCosmosServer();
  raw = createCosmosClient(server.endpoint, server.key);
});

afterAll(async () => {
  raw.dispose();
  await server.stop();
});

/** Options for a database of this test's own, so cases do not see each other's containers. */
function optionsFor(createIfMissing: boolean): CosmosConnectionOptions {
  return { endpoint: server.endpoint, key: server.key, database: `db-${randomUUID()}`, createIfMissing };
}

const sessionsSpec = { variable: 'COSMOS_SESSIONS_CONTAINER', id: 'sessions', partitionKeyPath: '/id' };
const sdpsSpec = { variable: 'COSMOS_SDPS_CONTAINER', id: 'sdps', partitionKeyPath: '/room' };

/** Creates the database with the given containers, as an operator would have provisioned them. */
async function provision(database: string, ...containers: ContainerDefinition[]): Promise<void> {
  const { database: db } = await raw.databases.create({ id: database });
  for (const container of containers) await db.containers.create(container);
}

/** Opens the connection and, on it, a service's own container, as signaling does at start-up. */
async function openBoth(options: CosmosConnectionOptions): Promise<void> {
  const connection = await CosmosConnection.open(options);
  try {
    await connection.container(sdpsSpec);
  } finally {
    connection.release();
  }
}

async function openError(options: CosmosConnectionOptions): Promise<string> {
  return openBoth(options).then(
    () => 'opened',
    (error: Error) => error.message,
  );
}

test('createIfMissing creates the database and both containers with the settings the adapters need', async () => {
  const options = optionsFor(true);
  await openBoth(options);
  const database = raw.database(options.database!);
  for (const spec of [sessionsSpec, sdpsSpec]) {
    const { resource } = await database.container(spec.id).read();
    expect(resource).toMatchObject({
      partitionKey: { paths: [spec.partitionKeyPath] },
      defaultTtl: -1,
      indexingPolicy: { includedPaths: [], excludedPaths: [{ path: '/*' }] },
    });
  }
  await openBoth({ ...options, createIfMissing: false });
});

test('replicas starting together with createIfMissing all succeed', async () => {
  const options = optionsFor(true);
  await Promise.all([1, 2, 3].map(() => openBoth(options)));
});

test('custom database and container names are used', async () => {
  const options = { ...optionsFor(true), sessionsContainer: 'signal-sessions' };
  const connection = await CosmosConnection.open(options);
  await connection.container({ ...sdpsSpec, id: 'signal-sdps' }).finally(() => connection.release());
  await expect(raw.database(options.database!).container('signal-sdps').read()).resolves.toMatchObject({ statusCode: 200 });
  await expect(raw.database(options.database!).container('signal-sessions').read()).resolves.toMatchObject({ statusCode: 200 });
});

test('without createIfMissing a missing database is named with its variable', async () => {
  const options = optionsFor(false);
  expect(await openError(options)).toBe(`COSMOS_DATABASE "${options.database}" does not exist; create it or set COSMOS_CREATE_IF_MISSING=true`);
});

test('without createIfMissing a missing container is named with its variable', async () => {
  const options = optionsFor(false);
  await provision(options.database!, definitionFor(sessionsSpec));
  expect(await openError(options)).toBe(
    `COSMOS_SDPS_CONTAINER "sdps" does not exist in COSMOS_DATABASE "${options.database}"; create it or set COSMOS_CREATE_IF_MISSING=true`,
  );
});

test.each([false, true])('a container with the wrong partition key is refused (createIfMissing %s)', async (createIfMissing) => {
  const options = optionsFor(createIfMissing);
  await provision(options.database!, definitionFor(sessionsSpec), { ...definitionFor(sdpsSpec), partitionKey: { paths: ['/id'] } });
  expect(await openError(options)).toBe('COSMOS_SDPS_CONTAINER "sdps" has partition key /id, expected /room');
});

test('a container without time to live or with indexed paths is refused, every problem listed', async () => {
  const options = optionsFor(false);
  const { defaultTtl: _ttl, ...withoutTtl } = definitionFor(sessionsSpec);
  await provision(options.database!, { ...withoutTtl, indexingPolicy: { indexingMode: 'consistent', automatic: true } }, definitionFor(sdpsSpec));
  expect(await openError(options)).toBe(
    'COSMOS_SESSIONS_CONTAINER "sessions" has time to live off, expected on (defaultTtl -1) so that expired items are purged; ' +
      'indexes item paths, expected an indexing policy excluding all paths (includedPaths [], excludedPaths ["/*"])',
  );
});

test('indexing mode none is accepted as indexing nothing', async () => {
  const options = optionsFor(false);
  const none = { indexingMode: 'none', automatic: false } as const;
  await provision(options.database!, { ...definitionFor(sessionsSpec), indexingPolicy: none }, { ...definitionFor(sdpsSpec), indexingPolicy: none });
  await openBoth(options);
});

test('an endpoint that does not answer is named with its variable, within the deadline', async () => {
  const gone = await startCosmosServer();
  await gone.stop();
  const started = performance.now();
  const message = await openError({ endpoint: gone.endpoint, key: gone.key, createIfMissing: true, requestTimeoutMs: 500 });
  expect(message).toMatch(new RegExp(`^Cosmos DB at COSMOS_ENDPOINT "${gone.endpoint}" is unavailable: .*ECONNREFUSED`));
  expect(performance.now() - started).toBeLessThan(650);
});

test('the signature Signal computes from the key is the one the SDK computes, and the stand-in checks it', async () => {
  // The SDK's own master-key signing: the stand-in accepts it, so the check is the service's.
  const sdkSigned = new CosmosClient({ endpoint: server.endpoint, key: server.key, connectionPolicy: { enableEndpointDiscovery: false } });
  const options = optionsFor(true);
  try {
    await openBoth(options);
    const { resources } = await sdkSigned.database(options.database!).containers.readAll().fetchAll();
    expect(resources.map(({ id }) => id).sort()).toEqual(['sdps', 'sessions']);
  } finally {
    sdkSigned.dispose();
  }
});

test('a wrong key is refused (401) and Signal treats it as an unavailable dependency', async () => {
  const options = optionsFor(true);
  const wrongKey = Buffer.from('not-the-account-key').toString('base64');
  expect(await openError({ ...options, key: wrongKey })).toMatch(/^Cosmos DB at COSMOS_ENDPOINT ".*" is unavailable: .*authorization token/);
  const wrong = createCosmosClient(server.endpoint, wrongKey);
  try {
    await expect(wrong.databases.readAll().fetchAll()).rejects.toMatchObject({ code: 401 });
  } finally {
    wrong.dispose();
  }
});
