import { startSignal, type TestSignal } from '../../../test-support/signal/harness.ts';

/** Runs `run` against a Signal started with `env`, and shuts it down whatever happens. */
export async function withSignal(env: Record<string, string | undefined>, run: (signal: TestSignal) => Promise<void>, options: Parameters<typeof startSignal>[0] = {}): Promise<void> {
  const signal = await startSignal({ ...options, env });
  try {
    await run(signal);
  } finally {
    await signal.shutdown();
  }
}
