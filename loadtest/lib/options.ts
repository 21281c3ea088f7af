import type { Options, Scenario, Stage, Threshold } from 'k6/options';
import { config } from './config.ts';
import { ENDPOINT } from './signal-api.ts';
import type { Mode } from './handshake.ts';

type Thresholds = Record<string, Threshold[]>;

function text(name: string, fallback: string): string {
  const value = __ENV[name];
  return value === undefined || value === '' ? fallback : value;
}

/** Ramp to the peak, hold it, ramp down: RAMP_UP, HOLD, RAMP_DOWN are k6 durations (e.g. 2m). */
function stages(peak: number): Stage[] {
  return [
    { duration: text('RAMP_UP', '2m'), target: peak },
    { duration: text('HOLD', '5m'), target: peak },
    { duration: text('RAMP_DOWN', '1m'), target: 0 },
  ];
}

/**
 * Open-model arrivals (iterations per second, whatever the latency), so a slow Signal shows as
 * latency and dropped iterations rather than as a politely slower client. `rateVariable` names the
 * peak rate; `secondsPerIteration` sizes the VU pool.
 */
export function arrivalScenario(exec: string, rateVariable: string, defaultRate: number, secondsPerIteration: number): Scenario {
  const peak = Number(text(rateVariable, String(defaultRate)));
  const preAllocatedVUs = Math.max(1, Math.ceil(peak * secondsPerIteration));
  return {
    executor: 'ramping-arrival-rate',
    exec,
    startRate: 0,
    timeUnit: '1s',
    stages: stages(peak),
    preAllocatedVUs,
    maxVUs: Number(text('MAX_VUS', String(preAllocatedVUs * 4))),
    // Let in-flight long-polls end instead of cutting them at the end of a stage.
    gracefulStop: `${config.longPollWaitSeconds + 10}s`,
  };
}

/** Error rate and p95/p99 latency per endpoint tag. Long-poll GETs wait by design: errors only. */
export function endpointThresholds(endpoints: readonly string[]): Thresholds {
  const thresholds: Thresholds = {
    http_req_failed: [`rate<${config.maxErrorRate}`],
    checks: [`rate>${1 - config.maxErrorRate}`],
  };
  for (const endpoint of endpoints) {
    thresholds[`http_req_failed{endpoint:${endpoint}}`] = [`rate<${config.maxErrorRate}`];
    if (endpoint === ENDPOINT.waitOffer || endpoint === ENDPOINT.waitAnswer) continue;
    thresholds[`http_req_duration{endpoint:${endpoint}}`] = [`p(95)<${config.p95Ms}`, `p(99)<${config.p99Ms}`];
  }
  return thresholds;
}

export function handshakeThresholds(mode: Mode): Thresholds {
  const { p95, p99 } = config.handshakeMs[mode];
  return {
    [`signal_handshake_duration{mode:${mode}}`]: [`p(95)<${p95}`, `p(99)<${p99}`],
    [`signal_handshake_success{mode:${mode}}`]: [`rate>${1 - config.maxErrorRate}`],
  };
}

const ROOM_ENDPOINTS = [ENDPOINT.iceServers, ENDPOINT.postOffer, ENDPOINT.postAnswer, ENDPOINT.expire] as const;

/** The GETs each kind of client sends while it waits for its peer's SDP. */
const WAITING_ENDPOINTS: Record<Mode, string[]> = {
  longpoll: [ENDPOINT.waitOffer, ENDPOINT.waitAnswer],
  polling: [ENDPOINT.getOffer, ENDPOINT.getAnswer],
};

/** Options of a script whose one scenario visits rooms with one kind of client. */
export function roomOptions(mode: Mode, exec: string, secondsPerIteration: number): Options {
  return {
    scenarios: { [`${mode}_rooms`]: arrivalScenario(exec, 'ROOM_RATE', 5, secondsPerIteration) },
    thresholds: { ...endpointThresholds([...ROOM_ENDPOINTS, ...WAITING_ENDPOINTS[mode]]), ...handshakeThresholds(mode) },
  };
}
