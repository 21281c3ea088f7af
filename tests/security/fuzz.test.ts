/**
 * The fuzz suite (support/fuzz-suite.ts) with a fifth of its cases, for the fast project's inner
 * loop; fuzz-full.test.ts runs every case in the integration project, as `npm test` and CI do.
 */
import { fuzzSuite } from './support/fuzz-suite.ts';

fuzzSuite((full) => Math.ceil(full / 5));
