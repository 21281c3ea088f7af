// `npm run bench:validators`: request validation per route, the hand-written checks (the baseline)
// against the validators compiled from the wire schemas, in one process and one run. Rounds of
// the two alternate so that CPU frequency and GC drift hit both alike; rates are per CPU second
// of this thread, and the median is reported.
// Options: --quick (fewer, shorter rounds).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { compileRequestValidators } from '@signal/common/api/validators';
import { parseExpireRequest, parseSdpQuery, parseSdpSubmission } from './baselines/hand-written-validation.ts';
import { SAMPLE_SDP } from './lib/sample-sdp.ts';
import { median } from './lib/stats.ts';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const ROUNDS = args.quick ? 3 : 15;
const ROUND_MS = args.quick ? 100 : 200;
const LIMITS = { sdpMaxBytes: 65_536, longPollMaxSeconds: 25 };

const PEER = '095be615-a8ad-4c33-8e9c-c7612fbf6c9f';
const ROOM = { uuid: '00000000-0000-0000-0000-000000000001', shortname: 'some-four-random-words' };
const submission = { to: PEER, sdp: SAMPLE_SDP, room: ROOM };
const query = { signalId: PEER, room: ROOM.uuid, shortname: ROOM.shortname };
const expire = { source: PEER, type: 'offer', destination: '5332a938-399a-405c-8866-445d97d52324', room: ROOM };

interface Case {
  route: string;
  before: () => unknown;
  after: () => unknown;
}

const compiled = compileRequestValidators(LIMITS);
const post = (input: unknown) => ({
  before: () => parseSdpSubmission(input, LIMITS.sdpMaxBytes),
  after: () => compiled.sdpSubmission(input),
});
const get = (input: Record<string, unknown>) => ({ before: () => parseSdpQuery(input, LIMITS.longPollMaxSeconds), after: () => compiled.sdpQuery(input) });
const cases: Case[] = [
  { route: 'POST /offer, /answer (2 KB SDP)', ...post(submission) },
  { route: 'GET /offer, /answer', ...get(query) },
  { route: 'GET /offer, /answer?wait=25', ...get({ ...query, wait: '25' }) },
  { route: 'POST /expire', before: () => parseExpireRequest(expire), after: () => compiled.expireRequest(expire) },
  { route: 'POST /offer refused: Invalid id', ...post({ ...submission, to: '12345678' }) },
  { route: 'POST /offer refused: Missing sdp', ...post({ to: PEER, room: ROOM }) },
  { route: 'GET /offer refused: Invalid wait', ...get({ ...query, wait: '99' }) },
];

let sink: unknown;
/**
 * In a server, validation runs more than Error.stackTraceLimit (10) frames deep under Express, so
 * a refused request's error captures 10 frames whichever validator throws it. Called from the top
 * of a script, the frame count of each implementation would be measured instead.
 */
const SERVER_DEPTH = 12;
const atDepth = (depth: number, run: () => unknown): unknown => (depth === 0 ? run() : atDepth(depth - 1, run));

/** This thread's CPU time in ms: other processes on a shared machine do not count against either side. */
const cpuMs = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};

/** Calls per CPU second over one round of ROUND_MS of CPU time. */
function round(run: () => unknown): number {
  let calls = 0;
  const start = cpuMs();
  let now = start;
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 1000; i += 1) {
      try {
        sink = atDepth(SERVER_DEPTH, run);
      } catch (error) {
        sink = error;
      }
    }
    calls += 1000;
    now = cpuMs();
  }
  return (calls * 1000) / (now - start);
}

const rows: string[] = [];
for (const c of cases) {
  const before: number[] = [];
  const after: number[] = [];
  // A first round of each, not counted, lets both reach optimised code.
  for (let r = -1; r < ROUNDS; r += 1) {
    const [b, a] = [round(c.before), round(c.after)];
    if (r < 0) continue;
    before.push(b);
    after.push(a);
  }
  const [b, a] = [median(before), median(after)];
  // Paired rounds ran back to back: the median of their ratios is less exposed to load from other
  // processes than the ratio of the medians.
  const ratios = before.map((value, i) => (after[i] ?? Number.NaN) / value);
  const ratio = median(ratios);
  const spread = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
  rows.push(`| ${c.route} | ${(b / 1e3).toFixed(0)} k/s | ${(a / 1e3).toFixed(0)} k/s | ${ratio.toFixed(2)}x (${spread}) | ${ratio >= 1 ? 'not slower' : 'SLOWER'} |`);
}
void sink;
console.log(`Request validation per route, Node ${process.version}, ${ROUNDS} alternating rounds of ${ROUND_MS} ms CPU, median calls per CPU second:\n`);
console.log('| route | hand-written (before) | compiled from schemas (after) | after/before, median of paired rounds (range) | verdict |');
console.log('| --- | ---: | ---: | ---: | --- |');
console.log(rows.join('\n'));
