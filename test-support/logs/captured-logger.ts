import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '@signal/common/observability/logger';

/** A Signal logger whose JSON lines a test reads back, parsed, in the order they were written. */
export function capturedLogger(level: string, service: string): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>));
      done();
    },
  });
  return { logger: createLogger({ level, service, destination }), lines: () => lines };
}
