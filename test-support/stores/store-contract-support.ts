import { ManualClock } from '@signal/common/clock';

/** Builds a store around the suite's clock. */
export type StoreFactory<S> = (clock: ManualClock) => S | Promise<S>;

export const MINUTE = 60_000;

/**
 * A new clock and store for every test. Tests use fresh random keys, so a factory may hand out
 * stores sharing one backing container (a real account is too slow to create one per test).
 */
export function freshStorePerTest<S extends { close(): Promise<void> }>(factory: StoreFactory<S>): { clock: () => ManualClock; store: () => S } {
  const current: { clock?: ManualClock; store?: S } = {};
  beforeEach(async () => {
    current.clock = new ManualClock();
    current.store = await factory(current.clock);
  });
  afterEach(async () => {
    await current.store?.close();
  });
  const required = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('store used outside a test');
    return value;
  };
  return { clock: () => required(current.clock), store: () => required(current.store) };
}

/** Runs `count` calls at once and waits for all of them. */
export function inParallel<T>(count: number, call: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => call(index)));
}
