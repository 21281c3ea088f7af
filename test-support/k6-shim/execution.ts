// Shim of `k6/execution`: one VU running one iteration of each scenario.
import { runtime } from './runtime.ts';

export const vu = {
  get idInTest() {
    return runtime.vu;
  },
  get idInInstance() {
    return runtime.vu;
  },
  get iterationInScenario() {
    return runtime.iteration;
  },
  get iterationInInstance() {
    return runtime.iteration;
  },
  tags: {} as Record<string, string>,
};

export const scenario = {
  get name() {
    return runtime.scenario.name;
  },
  get executor() {
    return runtime.scenario.executor;
  },
  get startTime() {
    return runtime.scenario.startTime;
  },
  get iterationInTest() {
    return runtime.iteration;
  },
  get iterationInInstance() {
    return runtime.iteration;
  },
  progress: 0,
};

export const test = {
  abort(message = 'test aborted'): never {
    throw new Error(`exec.test.abort: ${message}`);
  },
  fail(message = 'test failed'): never {
    throw new Error(`exec.test.fail: ${message}`);
  },
};

export default { vu, scenario, test };
