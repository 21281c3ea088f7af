/**
 * Tracing for the local cluster's pods (`--traces`): every pod runs under the tracing preload, as
 * the container image does, and exports either to an OTLP sink in this process, which serves a
 * trace's spans from every pod at GET /dev/traces/<trace_id> (the id a log line's `trace_id` names),
 * with GET /dev/traces listing the latest traces and the pods each touched; or with the SDK's
 * console exporter into the pod's own output.
 */
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import { startOtlpReceiver, type OtlpReceiver } from '../otlp/otlp-receiver.ts';

export const TRACE_MODES = ['otlp', 'console', 'off'] as const;
export type TraceMode = (typeof TRACE_MODES)[number];

const PRELOAD = fileURLToPath(new URL('../../libs/common/src/observability/tracing-preload.ts', import.meta.url));
/** A few minutes of a busy local cluster; older spans make room. */
const MAX_SPANS = 50_000;
const LISTED_TRACES = 50;

export interface TraceSink {
  /** Node arguments and environment a pod starts with. */
  nodeArgs: string[];
  env(podName: string): Record<string, string>;
  /** GET /dev/traces (the latest traces, the pods each touched) and /dev/traces/<trace_id> (its spans from every pod, oldest first). */
  routes(app: Express): void;
  close(): Promise<void>;
}

export async function startTraceSink(mode: TraceMode): Promise<TraceSink> {
  const receiver: OtlpReceiver | undefined = mode === 'otlp' ? await startOtlpReceiver({ maxSpans: MAX_SPANS }) : undefined;
  const exporter: Record<string, string> =
    receiver === undefined ? { OTEL_TRACES_EXPORTER: 'console' } : { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesEndpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
  return {
    nodeArgs: mode === 'off' ? [] : ['--import', PRELOAD],
    // The local cluster's callers are the developer's own tools (the demo, curl, tests): their
    // trace context is believed, so that a client's login and offer can be followed as one trace.
    env: (podName) =>
      mode === 'off'
        ? {}
        : { ...exporter, TRACE_TRUST_INCOMING: 'all', OTEL_BSP_SCHEDULE_DELAY: '500', OTEL_RESOURCE_ATTRIBUTES: `k8s.namespace.name=local,k8s.pod.name=${podName}` },
    routes: (app) => {
      app.use('/dev/traces', (_req, res, next) => {
        if (receiver === undefined) res.status(404).json({ body: `Traces are not collected here (--traces=${mode})` });
        else next();
      });
      app.get('/dev/traces', (_req, res) => {
        const traces = new Map<string, { traceId: string; root: string; pods: Set<unknown>; spans: number; startMs: number }>();
        for (const span of receiver!.spans()) {
          const trace = traces.get(span.traceId) ?? { traceId: span.traceId, root: span.name, pods: new Set(), spans: 0, startMs: span.startMs };
          if (span.parentSpanId === undefined || span.startMs < trace.startMs) Object.assign(trace, { root: span.name, startMs: Math.min(trace.startMs, span.startMs) });
          trace.pods.add(span.resource['k8s.pod.name']);
          trace.spans += 1;
          traces.set(span.traceId, trace);
        }
        const latest = [...traces.values()].sort((a, b) => b.startMs - a.startMs).slice(0, LISTED_TRACES);
        res.json({ body: latest.map(({ traceId, root, pods, spans, startMs }) => ({ traceId, root, pods: [...pods], spans, start: new Date(startMs).toISOString() })) });
      });
      app.get('/dev/traces/:traceId', (req, res) => {
        const spans = receiver!
          .spans()
          .filter((span) => span.traceId === req.params.traceId)
          .sort((a, b) => a.startMs - b.startMs)
          .map(({ resource, name, kind, spanId, parentSpanId, startMs, durationMs, statusCode, attributes }) => ({
            pod: resource['k8s.pod.name'],
            name,
            kind,
            spanId,
            parentSpanId,
            start: new Date(startMs).toISOString(),
            durationMs,
            statusCode,
            attributes,
          }));
        res.json({ body: spans });
      });
    },
    close: async () => receiver?.close(),
  };
}
