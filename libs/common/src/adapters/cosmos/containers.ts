import type { Container, ContainerDefinition, CosmosClient, Database, IndexingPolicy } from '@azure/cosmos';
import type { CosmosCaller } from './caller.ts';

/** One container Signal needs, and the environment variable that names it (quoted in errors). */
export interface ContainerSpec {
  variable: string;
  id: string;
  partitionKeyPath: string;
}

export interface DatabaseSpec {
  variable: string;
  id: string;
}

/** Only point reads and writes are ever made, so indexing anything would only add write RU. */
const INDEX_NOTHING: IndexingPolicy = { indexingMode: 'consistent', automatic: true, includedPaths: [], excludedPaths: [{ path: '/*' }] };

const CREATE_HINT = 'create it or set COSMOS_CREATE_IF_MISSING=true';

/** Finds (or, when allowed, creates) the database. Throws an Error naming its variable when it is missing. */
export async function prepareDatabase(client: CosmosClient, caller: CosmosCaller, databaseSpec: DatabaseSpec, createIfMissing: boolean): Promise<void> {
  const database = client.database(databaseSpec.id);
  await ensure(
    () => caller.find('startup', (options) => database.read(options)),
    () => caller.run('startup', (options) => client.databases.create({ id: databaseSpec.id }, options)),
    `${databaseSpec.variable} "${databaseSpec.id}" does not exist; ${CREATE_HINT}`,
    createIfMissing,
  );
}

/**
 * Finds (or, when allowed, creates) one container, then checks that it has the settings the
 * adapters rely on. Throws an Error naming the variable at fault.
 */
export async function prepareContainer(
  database: Database,
  caller: CosmosCaller,
  databaseSpec: DatabaseSpec,
  spec: ContainerSpec,
  createIfMissing: boolean,
): Promise<Container> {
  const container = database.container(spec.id);
  const definition = await ensure(
    async () => (await caller.find('startup', (options) => container.read(options)))?.resource,
    async () => (await caller.run('startup', (options) => database.containers.create(definitionFor(spec), options))).resource,
    `${spec.variable} "${spec.id}" does not exist in ${databaseSpec.variable} "${databaseSpec.id}"; ${CREATE_HINT}`,
    createIfMissing,
  );
  const problems = definition === undefined ? ['could not be read back'] : problemsWith(definition, spec);
  if (problems.length > 0) throw new Error(`${spec.variable} "${spec.id}" ${problems.join('; ')}`);
  return container;
}

export function definitionFor(spec: ContainerSpec): ContainerDefinition {
  // defaultTtl -1: TTL is on but nothing expires unless the item carries its own `ttl`.
  return { id: spec.id, partitionKey: { paths: [spec.partitionKeyPath] }, defaultTtl: -1, indexingPolicy: INDEX_NOTHING };
}

function problemsWith(definition: ContainerDefinition, spec: ContainerSpec): string[] {
  const problems: string[] = [];
  const paths = definition.partitionKey?.paths ?? [];
  if (paths.length !== 1 || paths[0] !== spec.partitionKeyPath) {
    problems.push(`has partition key ${paths.join(',') || 'none'}, expected ${spec.partitionKeyPath}`);
  }
  if (definition.defaultTtl === undefined || definition.defaultTtl === null) {
    problems.push('has time to live off, expected on (defaultTtl -1) so that expired items are purged');
  }
  if (!indexesNothing(definition.indexingPolicy)) {
    problems.push('indexes item paths, expected an indexing policy excluding all paths (includedPaths [], excludedPaths ["/*"])');
  }
  return problems;
}

function indexesNothing(policy: IndexingPolicy | undefined): boolean {
  if (policy?.indexingMode === 'none') return true;
  return (policy?.includedPaths ?? []).length === 0 && (policy?.excludedPaths ?? []).some(({ path }) => path === '/*');
}

/** Reads, else creates when allowed; a concurrent creator (another replica starting) wins a 409 race. */
async function ensure<T>(
  read: () => Promise<T | undefined>,
  create: () => Promise<T>,
  missing: string,
  createIfMissing: boolean,
): Promise<T> {
  const existing = await read();
  if (existing !== undefined) return existing;
  if (!createIfMissing) throw new Error(missing);
  try {
    return await create();
  } catch (error) {
    const raced = (error as { code?: unknown }).code === 409 ? await read() : undefined;
    if (raced === undefined) throw error;
    return raced;
  }
}
