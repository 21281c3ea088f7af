import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startProcess, waitUntil } from '../../../test-support/coturn/managed-process.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ALL_IN_ONE = fileURLToPath(new URL('../../../services/all-in-one/src/main.ts', import.meta.url));
// Same command line as `npm start` (the preload is a no-op unless OTEL_* asks for tracing).
const TRACING_PRELOAD = fileURLToPath(new URL('../../../libs/common/src/observability/tracing-preload.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

export interface SignalServer {
  baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs Signal all-in-one as its own process, the way `npm start` does, with only the given
 * environment (plus PATH, HOST=127.0.0.1 and a free PORT), and waits for /healthz. Node is this
 * process's own Node 24.
 */
export async function startSignal(env: Record<string, string>): Promise<SignalServer> {
  if (!existsSync(ALL_IN_ONE)) throw new Error(`Signal all-in-one entry point is missing: ${ALL_IN_ONE}`);
  const port = await freeTcpPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = startProcess(process.execPath, ['--import', TRACING_PRELOAD, ALL_IN_ONE], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    // A crash mid-test otherwise shows up only as "fetch failed" in some later request.
    onUnexpectedExit: (output) => process.stderr.write(`Signal at ${baseUrl} died:\n${output}\n`),
  });
  try {
    await waitUntil(async () => !server.hasExited() && (await healthy(baseUrl)), {
      timeoutMs: START_TIMEOUT_MS,
      describe: () => `Signal did not become healthy at ${baseUrl}${server.hasExited() ? ' (it exited)' : ''}\n${server.output()}`,
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { baseUrl, output: server.output, stop: () => server.stop() };
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
