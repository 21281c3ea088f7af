/**
 * A trace collector stand-in: accepts OTLP/HTTP JSON exports (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`)
 * on 127.0.0.1 and keeps the spans, so a child process's real exporter can be checked end to end,
 * and the local cluster's pods have somewhere to send their traces (the most recent `maxSpans`).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** OTLP SpanKind numbers (the proto enum, one above the API's SpanKind). */
export const OTLP_SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface ReceivedSpan {
  serviceName: string | undefined;
  /** Attributes of the exporting process's resource (k8s.pod.name tells two replicas apart). */
  resource: Record<string, unknown>;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  statusCode: number;
  attributes: Record<string, unknown>;
  /** Epoch milliseconds. */
  startMs: number;
  durationMs: number;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        startTimeUnixNano?: string | number;
        endTimeUnixNano?: string | number;
        status?: { code?: number };
        attributes?: OtlpKeyValue[];
      }>;
    }>;
  }>;
}

const plain = (value: OtlpValue): unknown =>
  value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.doubleValue ?? value.boolValue;

const attributeMap = (attributes: OtlpKeyValue[] = []): Record<string, unknown> =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, plain(value)]));

/** Nanosecond timestamps exceed 2^53: BigInt keeps them exact down to the millisecond. */
const nanosToMs = (nanos: string | number | undefined): number => (nanos === undefined ? 0 : Number(BigInt(nanos) / 1000n) / 1000);

export function flattenExport(body: OtlpExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpan) => {
    const resource = attributeMap(resourceSpan.resource?.attributes);
    const serviceName = resource['service.name'];
    return (resourceSpan.scopeSpans ?? []).flatMap((scopeSpan) =>
      (scopeSpan.spans ?? []).map((span) => ({
        serviceName: typeof serviceName === 'string' ? serviceName : undefined,
        resource,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        statusCode: span.status?.code ?? 0,
        attributes: attributeMap(span.attributes),
        startMs: nanosToMs(span.startTimeUnixNano),
        durationMs: nanosToMs(span.endTimeUnixNano) - nanosToMs(span.startTimeUnixNano),
      })),
    );
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface OtlpReceiver {
  /** Value for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  tracesEndpoint: string;
  spans(): ReceivedSpan[];
  /** Export requests received, including empty ones. */
  requestCount(): number;
  close(): Promise<void>;
}

export async function startOtlpReceiver(options: { maxSpans?: number } = {}): Promise<OtlpReceiver> {
  const maxSpans = options.maxSpans ?? Number.POSITIVE_INFINITY;
  let received: ReceivedSpan[] = [];
  let requests = 0;
  const server = createServer((request, response) => {
    readBody(request).then(
      (text) => {
        requests += 1;
        if (request.method !== 'POST' || request.url !== '/v1/traces') {
          response.writeHead(404).end();
          return;
        }
        received.push(...flattenExport(JSON.parse(text) as OtlpExport));
        if (received.length > maxSpans) received = received.slice(-maxSpans);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tracesEndpoint: `http://127.0.0.1:${port}/v1/traces`,
    spans: () => [...received],
    requestCount: () => requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
