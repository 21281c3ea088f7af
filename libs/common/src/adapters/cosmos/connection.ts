import { type Container, CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { DependencyUnavailableError } from '../../errors.ts';
import { CosmosCaller } from './caller.ts';
import { type ContainerSpec, type DatabaseSpec, prepareContainer, prepareDatabase } from './containers.ts';
import { masterKeyTokenProvider } from './master-key-signer.ts';
import { COSMOS_DEFAULTS, type CosmosStoreOptions } from './options.ts';

export type CosmosConnectionOptions = Omit<CosmosStoreOptions, 'clock'>;

/**
 * The process's one CosmosClient (as Azure advises) with its verified database and sessions
 * container, shared by the stores built on it; a service opens its own containers on it with
 * `container`. The client is disposed once the opener and every store have let go.
 */
export class CosmosConnection {
  readonly sessions: Container;
  readonly caller: CosmosCaller;
  readonly #client: CosmosClient;
  readonly #database: DatabaseSpec;
  readonly #options: CosmosConnectionOptions;
  #holders = 1;

  private constructor(client: CosmosClient, caller: CosmosCaller, database: DatabaseSpec, options: CosmosConnectionOptions, sessions: Container) {
    this.#client = client;
    this.caller = caller;
    this.#database = database;
    this.#options = options;
    this.sessions = sessions;
  }

  /** Connects and checks (or creates) the database and the sessions container; the caller holds it until `release()`. */
  static async open(options: CosmosConnectionOptions): Promise<CosmosConnection> {
    const requestTimeoutMs = options.requestTimeoutMs ?? COSMOS_DEFAULTS.requestTimeoutMs;
    const client = createCosmosClient(options.endpoint, options.key, requestTimeoutMs, options.preferredRegions);
    const caller = new CosmosCaller(requestTimeoutMs, { onRequestCharge: options.onRequestCharge, onThrottle: options.onThrottle });
    const database = { variable: 'COSMOS_DATABASE', id: options.database ?? COSMOS_DEFAULTS.database };
    const sessions = { variable: 'COSMOS_SESSIONS_CONTAINER', id: options.sessionsContainer ?? COSMOS_DEFAULTS.sessionsContainer, partitionKeyPath: '/id' };
    try {
      const container = await namingTheEndpoint(options.endpoint, async () => {
        await prepareDatabase(client, caller, database, options.createIfMissing);
        return prepareContainer(client.database(database.id), caller, database, sessions, options.createIfMissing);
      });
      return new CosmosConnection(client, caller, database, options, container);
    } catch (error) {
      client.dispose();
      throw error;
    }
  }

  /** Checks (or, when allowed, creates) one more container in the database; rejects naming its variable. */
  container(spec: ContainerSpec): Promise<Container> {
    return namingTheEndpoint(this.#options.endpoint, () =>
      prepareContainer(this.#client.database(this.#database.id), this.caller, this.#database, spec, this.#options.createIfMissing),
    );
  }

  retain(): void {
    this.#holders += 1;
  }

  release(): void {
    this.#holders -= 1;
    if (this.#holders === 0) this.#client.dispose();
  }
}

/** An unreachable account is reported as a start-up error naming COSMOS_ENDPOINT. */
async function namingTheEndpoint<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof DependencyUnavailableError)) throw error;
    const reason = error.cause instanceof Error ? error.cause.message : String(error.cause);
    throw new Error(`Cosmos DB at COSMOS_ENDPOINT "${endpoint}" is unavailable: ${reason}`, { cause: error });
  }
}

/** A client with Signal's connection policy; tests use it too, to look at what the stores wrote. */
export function createCosmosClient(endpoint: string, key: string | undefined, requestTimeoutMs: number = COSMOS_DEFAULTS.requestTimeoutMs, preferredRegions: string[] = []): CosmosClient {
  return new CosmosClient(cosmosClientOptions(endpoint, key, requestTimeoutMs, preferredRegions));
}

export function cosmosClientOptions(endpoint: string, key: string | undefined, requestTimeoutMs: number, preferredRegions: string[]): CosmosClientOptions {
  const credentials = key ? masterKeyCredentials(key) : { aadCredentials: new DefaultAzureCredential() };
  return {
    endpoint,
    ...credentials,
    userAgentSuffix: 'signal',
    connectionPolicy: {
      requestTimeout: requestTimeoutMs,
      // Plain-http endpoints are local stand-ins whose account document advertises https
      // locations; following them would break every call. Real accounts keep discovery so the
      // SDK can move to another region.
      enableEndpointDiscovery: new URL(endpoint).protocol === 'https:',
      // No fixed interval: Cosmos's own x-ms-retry-after-ms paces 429 retries best. The wait
      // budget matches the per-call deadline, which the caller enforces exactly anyway.
      retryOptions: { maxWaitTimeInSeconds: Math.ceil(requestTimeoutMs / 1000) },
      // Reads go to the first available region of the list; without it, to the write region.
      ...(preferredRegions.length > 0 ? { preferredLocations: preferredRegions } : {}),
    },
  };
}

/** A SAS token is sent as it is (the SDK's own path); a master key is parsed once and signs each request. */
function masterKeyCredentials(key: string): Pick<CosmosClientOptions, 'key' | 'tokenProvider'> {
  return key.startsWith('type=sas&') ? { key } : { tokenProvider: masterKeyTokenProvider(key) };
}
