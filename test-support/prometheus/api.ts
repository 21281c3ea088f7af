/**
 * The few Prometheus HTTP API calls tests make: instant queries, rule groups with their last
 * evaluation, and active alerts.
 */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RuleState {
  name: string;
  type: 'alerting' | 'recording';
  query: string;
  health: string;
  lastError?: string;
  /** Alerting rules only: inactive, pending or firing. */
  state?: string;
}

export interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

async function get<T>(baseUrl: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${baseUrl}${path}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as ApiResponse<T>;
  if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error ?? response.status}`);
  return body.data;
}

/** An instant query; scalar and vector results alike come back as samples. */
export async function query(baseUrl: string, expr: string): Promise<Sample[]> {
  const data = await get<{ resultType: string; result: unknown }>(baseUrl, '/api/v1/query', { query: expr });
  if (data.resultType === 'scalar') {
    const [, value] = data.result as [number, string];
    return [{ metric: {}, value: Number(value) }];
  }
  if (data.resultType !== 'vector') throw new Error(`${expr}: unexpected result type ${data.resultType}`);
  return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((sample) => ({
    metric: sample.metric,
    value: Number(sample.value[1]),
  }));
}

export async function rules(baseUrl: string): Promise<RuleState[]> {
  const data = await get<{ groups: { rules: RuleState[] }[] }>(baseUrl, '/api/v1/rules');
  return data.groups.flatMap((group) => group.rules);
}

export async function alerts(baseUrl: string): Promise<Alert[]> {
  const data = await get<{ alerts: Alert[] }>(baseUrl, '/api/v1/alerts');
  return data.alerts;
}
