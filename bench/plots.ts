/**
 * `npm run bench:plots`: redraws docs/plots/*.svg from the newest results in bench/results/
 * (`npm run bench` runs, `bench:cluster -- replica-ceiling` runs) without measuring anything,
 * and rewrites the list of plots in docs/performance.md. `npm run bench -- --plots` does the same
 * after its run.
 */
import { describeDrawReport, drawPlots } from './report/plots/draw.ts';
import { RESULTS_DIR } from './report/results-files.ts';

process.stdout.write(`${describeDrawReport(drawPlots(RESULTS_DIR))}\n`);
