// What k6 itself would refuse at start-up in a scenario, checked before the smoke iteration runs.

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/** Required fields per executor, from k6's documentation. */
const REQUIRED: Record<string, string[]> = {
  'shared-iterations': [],
  'per-vu-iterations': [],
  'constant-vus': ['duration'],
  'ramping-vus': ['stages'],
  'constant-arrival-rate': ['rate', 'duration', 'preAllocatedVUs'],
  'ramping-arrival-rate': ['stages', 'preAllocatedVUs'],
  'externally-controlled': ['duration'],
};

const DURATION_FIELDS = ['duration', 'timeUnit', 'gracefulStop', 'gracefulRampDown', 'startTime', 'maxDuration'];
const COUNT_FIELDS = ['vus', 'iterations', 'rate', 'preAllocatedVUs', 'maxVUs', 'startRate', 'startVUs'];

export interface ScenarioPlan {
  name: string;
  executor: string;
  exec: string;
}

/** Problems with the scenarios, and the plan of which function each one runs. */
export function checkScenarios(scenarios: Record<string, Record<string, unknown>>, exported: Record<string, unknown>): { plans: ScenarioPlan[]; problems: string[] } {
  const problems: string[] = [];
  const plans: ScenarioPlan[] = [];
  for (const [name, scenario] of Object.entries(scenarios)) {
    const executor = String(scenario.executor);
    const required = REQUIRED[executor];
    if (required === undefined) {
      problems.push(`${name}: unknown executor ${executor}`);
      continue;
    }
    for (const field of required) if (scenario[field] === undefined) problems.push(`${name}: ${executor} needs ${field}`);
    for (const field of DURATION_FIELDS) {
      const value = scenario[field];
      if (value !== undefined && !(typeof value === 'string' && DURATION.test(value))) problems.push(`${name}: ${field} ${JSON.stringify(value)} is not a k6 duration`);
    }
    for (const field of COUNT_FIELDS) {
      const value = scenario[field];
      if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 0)) problems.push(`${name}: ${field} ${JSON.stringify(value)} is not a non-negative integer`);
    }
    for (const stage of (scenario.stages as { duration?: unknown; target?: unknown }[] | undefined) ?? []) {
      if (typeof stage.duration !== 'string' || !DURATION.test(stage.duration) || !Number.isFinite(stage.target)) problems.push(`${name}: bad stage ${JSON.stringify(stage)}`);
    }
    const exec = typeof scenario.exec === 'string' ? scenario.exec : 'default';
    if (typeof exported[exec] !== 'function') problems.push(`${name}: exec ${exec} is not an exported function of the script`);
    else plans.push({ name, executor, exec });
  }
  return { plans, problems };
}
