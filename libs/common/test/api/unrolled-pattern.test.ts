import fc from 'fast-check';
import { unrollExactRepeats } from '../../src/api/unrolled-pattern.ts';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

test('exact repeats of a character class are written out; everything else stays as written', () => {
  expect(unrollExactRepeats('^[ab]{3}-[^x]{2}$')).toBe('^[ab][ab][ab]-[^x][^x]$');
  expect(unrollExactRepeats('^\\d{1,4}$')).toBe('^\\d{1,4}$');
  expect(unrollExactRepeats('^[a-z]{1,4}[a]{2}?[b]{17}\\[c]{2}$')).toBe('^[a-z]{1,4}[a]{2}?[b]{17}\\[c]{2}$');
  expect(unrollExactRepeats('^[\\]x]{2}v=0$')).toBe('^[\\]x][\\]x]v=0$');
  expect(unrollExactRepeats('^[a-z-]+$')).toBe('^[a-z-]+$');
});

test('the unrolled UUID pattern matches exactly the strings the schema pattern matches', () => {
  const [asWritten, unrolled] = [new RegExp(UUID), new RegExp(unrollExactRepeats(UUID))];
  const nearUuid = fc.oneof(
    fc.uuid().map((id) => id.toUpperCase()),
    fc.uuid(),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgG-'), minLength: 30, maxLength: 40 }),
  );
  fc.assert(
    fc.property(nearUuid, (text) => asWritten.test(text) === unrolled.test(text)),
    { numRuns: 2_000 },
  );
});
