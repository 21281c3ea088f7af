// Shim of `k6/metrics`: custom metrics record samples the runner judges thresholds on.
import { runtime, type MetricType } from './runtime.ts';

abstract class Metric {
  readonly name: string;
  constructor(name: string, type: MetricType) {
    runtime.defineMetric(name, type);
    this.name = name;
  }
  add(value: number | boolean, tags?: Record<string, string>): void {
    runtime.add(this.name, Number(value), tags);
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}
export class Trend extends Metric {
  constructor(name: string, _isTime = false) {
    super(name, 'trend');
  }
}
