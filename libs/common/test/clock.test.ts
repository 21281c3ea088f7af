import { ManualClock } from '../src/clock.ts';

test('manual clock moves only when told', () => {
  const clock = new ManualClock(1000);
  expect(clock.now()).toBe(1000);
  clock.advance(500);
  expect(clock.now()).toBe(1500);
});
