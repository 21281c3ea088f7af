/** The fuzz suite (support/fuzz-suite.ts) with every case: the integration project's run. */
import { fuzzSuite } from './support/fuzz-suite.ts';

fuzzSuite((full) => full);
