// State of one shim run: the running scenario, metric definitions, samples and checks. The shim's
// k6 modules write here; run.ts reads it to judge thresholds and print the summary.

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface Sample {
  metric: string;
  value: number;
  tags: Record<string, string>;
}

export interface CheckTally {
  passes: number;
  fails: number;
  /** Why it failed last, when the checked value was a response: its status and `{"body": ...}` reason. */
  failure?: string;
}

/** k6's built-in metrics, which thresholds may name without the script defining them. */
const BUILTIN: Record<string, MetricType> = {
  checks: 'rate',
  data_received: 'counter',
  data_sent: 'counter',
  dropped_iterations: 'counter',
  group_duration: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  http_req_receiving: 'trend',
  http_req_sending: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_waiting: 'trend',
  http_reqs: 'counter',
  iteration_duration: 'trend',
  iterations: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
};

const METRIC_NAME = /^[\p{L}\p{N}._!?/&#()<>%-]{1,128}$/u;

class Runtime {
  /** Directory of the script under test: k6 resolves open() paths against it. */
  scriptDir = process.cwd();
  /** True while the script module is evaluated: k6 allows neither requests nor samples there. */
  inInit = true;
  /** 0 in the init context, setup and teardown; 1 for the VU that runs every scenario's iteration. */
  vu = 0;
  iteration = 0;
  scenario = { name: 'default', executor: 'per-vu-iterations', startTime: 0 };
  group = '';
  readonly metrics = new Map<string, MetricType>(Object.entries(BUILTIN));
  readonly samples: Sample[] = [];
  readonly checks = new Map<string, CheckTally>();
  /** Things a person should know to read the results (each said once), such as a cookie k6 will not send back. */
  readonly notes = new Set<string>();

  defineMetric(name: string, type: MetricType): void {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid k6 metric name ${JSON.stringify(name)}`);
    const existing = this.metrics.get(name);
    if (existing !== undefined && existing !== type) throw new Error(`metric ${name} is already a ${existing}`);
    this.metrics.set(name, type);
  }

  /** Records a sample with the tags k6 adds to every sample of an iteration. */
  add(metric: string, value: number, tags: Record<string, string> = {}): void {
    const type = this.metrics.get(metric);
    if (type === undefined) throw new Error(`sample for undefined metric ${metric}`);
    if (this.inInit) throw new Error(`metric ${metric} used in the init context, which k6 forbids`);
    this.samples.push({ metric, value: type === 'rate' ? Number(value !== 0) : value, tags: { scenario: this.scenario.name, group: this.group, ...tags } });
  }

  tallyCheck(name: string, passed: boolean, failure?: string): void {
    const tally = this.checks.get(name) ?? { passes: 0, fails: 0 };
    if (passed) tally.passes += 1;
    else {
      tally.fails += 1;
      if (failure !== undefined) tally.failure = failure;
    }
    this.checks.set(name, tally);
  }
}

export const runtime = new Runtime();
