/**
 * Starts the OpenTelemetry Node SDK for traces. Imported only by the preload once tracing is
 * requested (and by tests), so a process with tracing off never loads any of these modules.
 *
 * Exporter, endpoint, protocol, sampler, propagators and resource attributes come from the
 * standard OTEL_* variables, read by the SDK itself. Metrics stay with prom-client on /metrics
 * and logs with pino on stdout, so the SDK's OTLP metric and log pipelines are switched off
 * rather than left to their default of pushing to an OTLP endpoint.
 */
import type { IncomingMessage, RequestOptions } from 'node:http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { trustsTraceContextOn } from './tracing.ts';

/** Probes and scrapes arrive every few seconds from every replica: traced, they would drown real requests. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function isUntracedRequest(request: IncomingMessage): boolean {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  return UNTRACED_PATHS.has(path);
}

/**
 * Cosmos DB names an item in the URL (`…/docs/<id>`), and a session's item id is its cookie
 * value: a bearer credential. Outgoing client spans therefore record `url.full` with everything
 * after `/docs/` (id, sub-resources, query) replaced. The URL is otherwise rebuilt as the HTTP
 * instrumentation builds it: a start-span hook's attributes override the instrumentation's own.
 */
const ITEM_ID = /(\/docs\/).*$/s;

function redactedItemUrl(request: RequestOptions): Record<string, string> {
  const path = request.path ?? '/';
  if (!ITEM_ID.test(path)) return {};
  let host = request.host ?? request.hostname ?? 'localhost';
  const port = String(request.port ?? '');
  if (!host.includes(':') && port !== '' && port !== '80' && port !== '443') host += `:${port}`;
  return { 'url.full': `${request.protocol ?? 'http:'}//${host}${path.replace(ITEM_ID, '$1REDACTED')}` };
}

/**
 * Who may hand Signal a trace context (W3C `traceparent`/`tracestate`, `baggage`). A client that
 * may sets the sampling decision (a sampled flag forces tracing whatever OTEL_TRACES_SAMPLER_ARG
 * says, an unsampled one hides its requests) and picks the trace ids spans carry. So by default
 * only ports registered with `trustTraceContextOn` (the wake-up port: another signaling replica,
 * whose traceparent is how a cross-replica wake-up stays one trace) are believed; on the API ports the incoming context is
 * dropped before the server span starts, and the configured sampler decides as for a new root
 * with a trace id made here. TRACE_TRUST_INCOMING=all believes every caller, for deployments
 * whose ingress makes or vets the trace context itself.
 */
export type TraceTrust = 'none' | 'all';
const TRACE_CONTEXT_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;

export function traceTrust(env: NodeJS.ProcessEnv): TraceTrust {
  const value = env.TRACE_TRUST_INCOMING?.trim() || 'none';
  if (value !== 'none' && value !== 'all') throw new Error(`TRACE_TRUST_INCOMING=${JSON.stringify(value)} must be one of none, all`);
  return value;
}

/**
 * Drops an untrusted caller's trace context from the request (the HTTP instrumentation reads it
 * right after this hook) and says so on the span.
 */
export function untrustedTraceContextDropped(request: IncomingMessage, trust: TraceTrust): Record<string, string> {
  if (trust === 'all' || trustsTraceContextOn(request.socket.localPort)) return {};
  if (!TRACE_CONTEXT_HEADERS.some((header) => header in request.headers)) return {};
  for (const header of TRACE_CONTEXT_HEADERS) delete request.headers[header];
  return { 'signal.incoming_trace_context': 'dropped' };
}

/** `services/<name>/src/main.ts` runs as `signal-<name>`, unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise. */
export function defaultServiceName(entry: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SERVICE_NAME?.trim() || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')) return undefined;
  const service = entry?.replaceAll('\\', '/').match(/services\/([a-z0-9-]+)\/src\/main\.ts$/)?.[1];
  return service === undefined ? undefined : `signal-${service}`;
}

export interface TracingOptions {
  /** Replaces the exporter chosen by OTEL_TRACES_EXPORTER; tests pass an in-memory one. */
  spanProcessors?: SpanProcessor[];
  serviceName?: string;
}

export interface TracingHandle {
  shutdown(): Promise<void>;
}

export function startTracing(options: TracingOptions = {}): TracingHandle {
  const trust = traceTrust(process.env);
  const sdk = new NodeSDK({
    ...(options.serviceName === undefined ? {} : { serviceName: options.serviceName }),
    ...(options.spanProcessors === undefined ? {} : { spanProcessors: options.spanProcessors }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: isUntracedRequest,
        startIncomingSpanHook: (request) => untrustedTraceContextDropped(request, trust),
        startOutgoingSpanHook: redactedItemUrl,
      }),
      // Middleware spans (helmet, cors, body parsers) add nothing an SRE acts on; router and
      // handler spans keep the route template and the handler's own time.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    ],
  });
  sdk.start();
  return sdk;
}
