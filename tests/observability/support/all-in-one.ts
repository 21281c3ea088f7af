/** The all-in-one Signal process as `npm start` runs it (memory store and bus), for a real scrape or real traces. */
import { join } from 'node:path';
import { startChildService, type ChildService } from '../../../test-support/signal/child-service.ts';
import { REPO_ROOT } from './processes.ts';

export const TRACING_PRELOAD = join(REPO_ROOT, 'libs/common/src/observability/tracing-preload.ts');

export function startAllInOne(env: Record<string, string> = {}): Promise<ChildService> {
  return startChildService('all-in-one', { STORE: 'memory', BUS: 'memory', ...env });
}

/** Runs `drive` against the process; a failure carries its last log lines, where a crash explains itself. */
export async function driveOrExplain(service: ChildService, drive: (url: string) => Promise<void>): Promise<void> {
  try {
    await drive(service.url);
  } catch (error) {
    const recent = service.logs.slice(-20).map((line) => JSON.stringify(line));
    throw new Error(`${String(error)}\n--- all-in-one log tail ---\n${recent.join('\n')}`, { cause: error });
  }
}
