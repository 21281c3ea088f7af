import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorBody, queueEntry, readElement, subscriptionEntry, topicEntry } from './atom-xml.ts';
import { parseDurationMs } from './durations.ts';
import { CORRELATION_PROPERTIES, DEFAULT_SUBSCRIPTION_SETTINGS, type MessageFilter, type Namespace, type SubscriptionSettings } from './namespace.ts';

export interface AdminOptions {
  /** Answer every administration call with 401, as Service Bus does for a Listen/Send-only key. */
  denyAdministration: boolean;
}

/**
 * The slice of the ATOM administration API that entity lifecycles use: PUT/GET/DELETE on
 * `/{topic or queue}` and `/{topic}/Subscriptions/{name}`. Every call counts as a management
 * operation.
 */
export function createAdminServer(namespace: Namespace, options: AdminOptions): Server {
  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let reply: Reply;
      try {
        reply = route(namespace, options, request, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        reply = { code: 400, body: errorBody(400, String(error)) };
      }
      send(response, reply.code, reply.body);
    });
  });
}

interface Reply {
  code: number;
  body: string;
}

function route(namespace: Namespace, options: AdminOptions, request: IncomingMessage, body: string): Reply {
  namespace.counters.managementOperations += 1;
  if (options.denyAdministration) return { code: 401, body: errorBody(401, 'Manage claim is required for this operation.') };
  const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
  // The SDK derives entity names from the entry id, so it must echo the path the client used.
  const id = `https://${url.host}${url.pathname}?api-version=${url.searchParams.get('api-version') ?? ''}`;
  const path = decodeURIComponent(url.pathname.slice(1));
  const match = /^(.+)\/Subscriptions\/([^/]+)$/i.exec(path);
  return match
    ? subscriptionRoute(namespace, request.method, id, match[1]!, match[2]!, body)
    : entityRoute(namespace, request.method, id, path, body);
}

/** Topics and queues share one name space; a PUT says which it creates by its description element. */
function entityRoute(namespace: Namespace, method: string | undefined, id: string, name: string, body: string): Reply {
  switch (method) {
    case 'GET': {
      const topic = namespace.topic(name);
      if (topic) return { code: 200, body: topicEntry(id, topic) };
      const queue = namespace.queueEntity(name);
      return queue ? { code: 200, body: queueEntry(id, queue) } : missing(name);
    }
    case 'PUT': {
      if (/<(?:\w+:)?QueueDescription[\s>]/.test(body)) {
        const queue = namespace.createQueue(name, entitySettings(body));
        return queue ? { code: 201, body: queueEntry(id, queue) } : conflict(name);
      }
      const topic = namespace.createTopic(name);
      return topic ? { code: 201, body: topicEntry(id, topic) } : conflict(name);
    }
    case 'DELETE':
      return namespace.deleteTopic(name) || namespace.deleteQueue(name) ? { code: 200, body: '' } : missing(name);
    default:
      return { code: 405, body: errorBody(405, `${method} not supported`) };
  }
}

function subscriptionRoute(
  namespace: Namespace,
  method: string | undefined,
  id: string,
  topic: string,
  name: string,
  body: string,
): Reply {
  switch (method) {
    case 'GET': {
      const subscription = namespace.subscription(topic, name);
      return subscription ? { code: 200, body: subscriptionEntry(id, subscription) } : missing(`${topic}/Subscriptions/${name}`);
    }
    case 'PUT': {
      if (!namespace.topic(topic)) return missing(topic);
      const subscription = namespace.createSubscription(topic, name, entitySettings(body));
      return subscription ? { code: 201, body: subscriptionEntry(id, subscription) } : conflict(name);
    }
    case 'DELETE':
      return namespace.deleteSubscription(topic, name) ? { code: 200, body: '' } : missing(`${topic}/Subscriptions/${name}`);
    default:
      return { code: 405, body: errorBody(405, `${method} not supported`) };
  }
}

function entitySettings(body: string): SubscriptionSettings {
  const lockDuration = readElement(body, 'LockDuration');
  const maxDeliveryCount = readElement(body, 'MaxDeliveryCount');
  const autoDeleteOnIdle = readElement(body, 'AutoDeleteOnIdle');
  const defaultMessageTtl = readElement(body, 'DefaultMessageTimeToLive');
  return {
    lockDurationMs: lockDuration ? parseDurationMs(lockDuration) : DEFAULT_SUBSCRIPTION_SETTINGS.lockDurationMs,
    maxDeliveryCount: maxDeliveryCount ? Number(maxDeliveryCount) : DEFAULT_SUBSCRIPTION_SETTINGS.maxDeliveryCount,
    autoDeleteOnIdleMs: autoDeleteOnIdle ? parseDurationMs(autoDeleteOnIdle) : DEFAULT_SUBSCRIPTION_SETTINGS.autoDeleteOnIdleMs,
    defaultMessageTtlMs: defaultMessageTtl ? parseDurationMs(defaultMessageTtl) : DEFAULT_SUBSCRIPTION_SETTINGS.defaultMessageTtlMs,
    filter: defaultRuleFilter(body),
  };
}

/** ATOM element names of the correlation filter's system properties. */
const CORRELATION_ELEMENTS: Record<(typeof CORRELATION_PROPERTIES)[number], string> = {
  subject: 'Label',
  to: 'To',
  correlation_id: 'CorrelationId',
  message_id: 'MessageId',
  content_type: 'ContentType',
  reply_to: 'ReplyTo',
  group_id: 'SessionId',
};

/** `sys.Label IN ('a', 'b')`: the one SQL rule besides `1=1` the test broker evaluates. */
const LABEL_IN = /^sys\.Label\s+IN\s*\(\s*('[^']*'(?:\s*,\s*'[^']*')*)\s*\)$/i;

/** The subscription's DefaultRuleDescription: SQL `1=1`, SQL `sys.Label IN (...)`, or a correlation filter on system properties. */
function defaultRuleFilter(body: string): MessageFilter {
  const rule = /<(?:\w+:)?DefaultRuleDescription[\s>][\s\S]*<\/(?:\w+:)?DefaultRuleDescription>/.exec(body)?.[0];
  if (rule === undefined) return DEFAULT_SUBSCRIPTION_SETTINGS.filter;
  const type = /<(?:\w+:)?Filter\s[^>]*type="(?:\w+:)?(\w+)"/.exec(rule)?.[1];
  if (type === 'SqlFilter') {
    const expression = (readElement(rule, 'SqlExpression') ?? '').replaceAll('&apos;', "'").replaceAll('&#39;', "'").trim();
    if (expression === '1=1') return { kind: 'true' };
    const labels = LABEL_IN.exec(expression)?.[1];
    if (labels !== undefined) return { kind: 'subjects', subjects: [...labels.matchAll(/'([^']*)'/g)].map((match) => match[1]!) };
    throw new Error(`the test broker supports only the SQL filters 1=1 and sys.Label IN (...), not ${expression}`);
  }
  if (type !== 'CorrelationFilter') throw new Error(`the test broker supports only correlation filters and SQL 1=1, not ${type}`);
  if (/<(?:\w+:)?KeyValueOfstringanyType/.test(rule)) throw new Error('the test broker does not support correlation filters on application properties');
  const properties: Partial<Record<(typeof CORRELATION_PROPERTIES)[number], string>> = {};
  for (const property of CORRELATION_PROPERTIES) {
    const value = readElement(rule, CORRELATION_ELEMENTS[property]);
    if (value) properties[property] = value;
  }
  return { kind: 'correlation', properties };
}

const missing = (name: string): Reply => ({ code: 404, body: errorBody(404, `Entity '${name}' was not found.`) });
const conflict = (name: string): Reply => ({ code: 409, body: errorBody(409, `Entity '${name}' already exists.`) });

function send(response: ServerResponse, code: number, body: string): void {
  response.writeHead(code, { 'content-type': 'application/atom+xml;type=entry;charset=utf-8' });
  response.end(body);
}
