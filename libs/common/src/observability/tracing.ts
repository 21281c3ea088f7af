/**
 * The tracing surface application code uses: spans around store and bus operations, W3C trace
 * context for bus messages, trace ids for log lines.
 *
 * Only `@opentelemetry/api` is imported here. When the SDK was not started by the preload
 * (tracing-preload.ts) every call below goes to the API's no-op implementations, which is what
 * keeps tracing free when it is off: no SDK module is loaded and no span is recorded.
 */
import {
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export type SpanAttributeValue = string | number | boolean;
export type SpanAttributes = Record<string, SpanAttributeValue>;
export type SpanRole = 'internal' | 'client' | 'producer' | 'consumer';

const SPAN_KINDS: Record<SpanRole, SpanKind> = {
  internal: SpanKind.INTERNAL,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

const tracer = trace.getTracer('signal');

/**
 * Defence in depth for "no secrets, no SDP bodies in traces": attribute keys that name a secret
 * or an SDP body are dropped, and so is any string that is an SDP or is long, because no
 * legitimate attribute of ours (ids, kinds, routes, outcomes) is long while tokens usually are.
 */
const FORBIDDEN_KEY = /(^|[._-])(sdp|token|secret|credential|password|cookie|authorization)$/i;
const SDP_BODY = /^v=0\r?\n/;
const MAX_STRING_ATTRIBUTE = 200;

export function safeAttributes(attributes: SpanAttributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (FORBIDDEN_KEY.test(key)) continue;
    if (typeof value === 'string' && (value.length > MAX_STRING_ATTRIBUTE || SDP_BODY.test(value))) continue;
    kept[key] = value;
  }
  return kept;
}

const NO_PROVIDER = new ProxyTracerProvider().getDelegate();
/** What the no-op tracer would hand `fn` with no SDK started: a span that records nothing. */
const NOT_RECORDED = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Whether the SDK registered a tracer provider. Without one every span is a no-op, yet starting
 * it still costs microseconds per store call (a context copied, the attributes filtered), so
 * withSpan skips it. A provider registered through another copy of the API counts as tracing.
 */
export function tracingOn(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

/**
 * Runs `fn` inside a new span that is the active span for everything `fn` awaits, so the HTTP
 * client spans of a Cosmos call nest under the store span. The span ends when `fn` settles; a
 * rejection is recorded on it (exception event, ERROR status) and rethrown unchanged.
 * `fn` receives the span to add attributes only known afterwards (request charge, outcome).
 */
export async function withSpan<T>(
  name: string,
  attributes: SpanAttributes,
  fn: (span: Span) => Promise<T>,
  role: SpanRole = 'internal',
): Promise<T> {
  if (!tracingOn()) return fn(NOT_RECORDED);
  return tracer.startActiveSpan(name, { kind: SPAN_KINDS[role], attributes: safeAttributes(attributes) }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/*
 * Bus messages carry exactly a W3C `traceparent` (EventEnvelope.traceparent), whatever
 * OTEL_PROPAGATORS selects for HTTP, so this propagator is fixed rather than the global one.
 */
const w3c = new W3CTraceContextPropagator();
const TRACEPARENT = 'traceparent';

interface Carrier {
  [TRACEPARENT]?: string;
}
const carrierSetter = {
  set(carrier: Carrier, key: string, value: string) {
    if (key === TRACEPARENT) carrier.traceparent = value;
  },
};
const carrierGetter = {
  keys: (carrier: Carrier) => Object.keys(carrier),
  get: (carrier: Carrier, key: string) => (key === TRACEPARENT ? carrier.traceparent : undefined),
};

/** The W3C traceparent of the active span, for an outgoing bus message; undefined when not tracing. */
export function injectTraceparent(): string | undefined {
  const carrier: Carrier = {};
  w3c.inject(context.active(), carrier, carrierSetter);
  return carrier.traceparent;
}

/**
 * Runs `fn` with the span context a bus message carried as its parent, so spans started in `fn`
 * join the publisher's trace. A missing or malformed traceparent starts a fresh trace instead.
 */
export function withRemoteParent<T>(traceparent: string | undefined, fn: () => T): T {
  const parent = traceparent === undefined ? ROOT_CONTEXT : w3c.extract(ROOT_CONTEXT, { traceparent }, carrierGetter);
  return context.with(parent, fn);
}

/*
 * Local ports whose callers may hand in a trace context over HTTP (the wake-up port: other
 * signaling replicas). The tracing preload drops the context of requests to any other port
 * unless TRACE_TRUST_INCOMING=all; the servers register their ports once listening.
 */
const trustedPorts = new Set<number>();

export function trustTraceContextOn(port: number): void {
  trustedPorts.add(port);
}

export function distrustTraceContextOn(port: number): void {
  trustedPorts.delete(port);
}

export function trustsTraceContextOn(port: number | undefined): boolean {
  return port !== undefined && trustedPorts.has(port);
}

/** Ids of the active span for log correlation (`trace_id`/`span_id` as OpenTelemetry logs name them). */
export function currentTraceIds(): { trace_id: string; span_id: string } | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

interface FlushableProvider {
  shutdown(): Promise<void>;
}
const isFlushable = (provider: unknown): provider is FlushableProvider =>
  typeof (provider as Partial<FlushableProvider> | undefined)?.shutdown === 'function';

/**
 * Exports the spans still buffered and stops the SDK; a no-op when tracing is off. Call it last
 * in graceful shutdown, before `process.exit`, or the final batch of spans is lost. It reaches the
 * SDK through the global API registration, so it works whichever module instance started it.
 */
export async function shutdownTracing(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = provider.getDelegate?.();
  if (isFlushable(delegate)) await delegate.shutdown();
}

/**
 * Whether the preload should start the SDK. Off unless an exporter is asked for, because the
 * SDK's own default (`OTEL_TRACES_EXPORTER=otlp` to localhost:4318) would otherwise make every
 * process that forgot to configure tracing pay for spans sent nowhere.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (exporters.includes('none')) return false;
  if (exporters.length > 0) return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}
