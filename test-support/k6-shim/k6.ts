// Shim of the `k6` module.
import { runtime } from './runtime.ts';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function check<T>(value: T, sets: Record<string, (value: T) => boolean>, tags: Record<string, string> = {}): boolean {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    const passed = Boolean(predicate(value));
    runtime.tallyCheck(name, passed, passed ? undefined : responseReason(value));
    runtime.add('checks', Number(passed), { ...tags, check: name });
    all &&= passed;
  }
  return all;
}

const REASON_CHARS = 200;

/** A checked response's status and the reason Signal gave (`{"body": "..."}`), or its body's start. */
function responseReason(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || typeof (value as { status?: unknown }).status !== 'number') return undefined;
  const { status, body, error } = value as { status: number; body?: unknown; error?: string };
  if (status === 0) return `no response: ${error ?? 'request failed'}`;
  if (typeof body !== 'string' || body === '') return `status ${status}`;
  try {
    const reason = (JSON.parse(body) as { body?: unknown }).body;
    if (typeof reason === 'string') return `status ${status}: ${reason}`;
  } catch {
    // not JSON: show the text itself
  }
  return `status ${status}: ${body.slice(0, REASON_CHARS)}`;
}

export function group<T>(name: string, body: () => T): T {
  const outer = runtime.group;
  runtime.group = `${outer}::${name}`;
  try {
    return body();
  } finally {
    runtime.group = outer;
  }
}

/** Blocks the VU like k6's sleep: the thread waits, pending async requests keep running in the HTTP worker. */
export function sleep(seconds: number): void {
  Atomics.wait(sleeper, 0, 0, seconds * 1000);
}

export function fail(message = ''): never {
  throw new Error(message);
}

export function randomSeed(_seed: number): void {
  throw new Error('randomSeed is not implemented by the k6 shim');
}

export default { check, group, sleep, fail, randomSeed };
