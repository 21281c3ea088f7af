/** The all-in-one Signal process, started as a child for tests that need a real scrape or real traces. */
import { testEnv } from '../../../test-support/signal/harness.ts';
import { cleanEnv, spawnNode, type RunningProcess } from './processes.ts';

export interface SignalProcess {
  process: RunningProcess;
  base: string;
  /** Runs `drive`; a failure carries the process's output, where a crash explains itself. */
  drive(drive: (base: string) => Promise<void>): Promise<void>;
}

/**
 * `node [nodeArgs] services/all-in-one/src/main.ts` as `npm start` runs it, with the test
 * harness's configuration (memory store and bus, test JWT and TURN secrets) plus `env`.
 */
export async function startAllInOne(nodeArgs: string[], env: Record<string, string>): Promise<SignalProcess> {
  const harnessEnv = Object.entries(testEnv({ LOG_LEVEL: 'info', STORE: 'memory', BUS: 'memory' })).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const signal = spawnNode([...nodeArgs, 'services/all-in-one/src/main.ts'], cleanEnv({ ...Object.fromEntries(harnessEnv), ...env }));
  const [, port] = await signal.waitFor(/"port":(\d+)[^\n]*"msg":"listening"/, 20_000);
  const base = `http://127.0.0.1:${port}`;
  return {
    process: signal,
    base,
    async drive(drive) {
      try {
        await drive(base);
      } catch (error) {
        throw new Error(`${String(error)}\n--- all-in-one output ---\n${signal.output()}`, { cause: error });
      }
    },
  };
}
