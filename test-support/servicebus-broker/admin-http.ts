import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorBody, readElement, subscriptionEntry, topicEntry } from './atom-xml.ts';
import { parseDurationMs } from './durations.ts';
import { DEFAULT_SUBSCRIPTION_SETTINGS, type Namespace, type SubscriptionSettings } from './namespace.ts';

export interface AdminOptions {
  /** Answer every administration call with 401, as Service Bus does for a Listen/Send-only key. */
  denyAdministration: boolean;
}

/**
 * The slice of the ATOM administration API that topic/subscription lifecycles use:
 * PUT/GET/DELETE on `/{topic}` and `/{topic}/Subscriptions/{name}`.
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
  if (options.denyAdministration) return { code: 401, body: errorBody(401, 'Manage claim is required for this operation.') };
  const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
  // The SDK derives entity names from the entry id, so it must echo the path the client used.
  const id = `https://${url.host}${url.pathname}?api-version=${url.searchParams.get('api-version') ?? ''}`;
  const path = decodeURIComponent(url.pathname.slice(1));
  const match = /^(.+)\/Subscriptions\/([^/]+)$/i.exec(path);
  return match
    ? subscriptionRoute(namespace, request.method, id, match[1]!, match[2]!, body)
    : topicRoute(namespace, request.method, id, path);
}

function topicRoute(namespace: Namespace, method: string | undefined, id: string, name: string): Reply {
  switch (method) {
    case 'GET': {
      const topic = namespace.topic(name);
      return topic ? { code: 200, body: topicEntry(id, topic) } : missing(name);
    }
    case 'PUT': {
      const topic = namespace.createTopic(name);
      return topic ? { code: 201, body: topicEntry(id, topic) } : conflict(name);
    }
    case 'DELETE':
      return namespace.deleteTopic(name) ? { code: 200, body: '' } : missing(name);
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
      const subscription = namespace.createSubscription(topic, name, subscriptionSettings(body));
      return subscription ? { code: 201, body: subscriptionEntry(id, subscription) } : conflict(name);
    }
    case 'DELETE':
      return namespace.deleteSubscription(topic, name) ? { code: 200, body: '' } : missing(`${topic}/Subscriptions/${name}`);
    default:
      return { code: 405, body: errorBody(405, `${method} not supported`) };
  }
}

function subscriptionSettings(body: string): SubscriptionSettings {
  const lockDuration = readElement(body, 'LockDuration');
  const maxDeliveryCount = readElement(body, 'MaxDeliveryCount');
  const autoDeleteOnIdle = readElement(body, 'AutoDeleteOnIdle');
  return {
    lockDurationMs: lockDuration ? parseDurationMs(lockDuration) : DEFAULT_SUBSCRIPTION_SETTINGS.lockDurationMs,
    maxDeliveryCount: maxDeliveryCount ? Number(maxDeliveryCount) : DEFAULT_SUBSCRIPTION_SETTINGS.maxDeliveryCount,
    autoDeleteOnIdleMs: autoDeleteOnIdle ? parseDurationMs(autoDeleteOnIdle) : DEFAULT_SUBSCRIPTION_SETTINGS.autoDeleteOnIdleMs,
  };
}

const missing = (name: string): Reply => ({ code: 404, body: errorBody(404, `Entity '${name}' was not found.`) });
const conflict = (name: string): Reply => ({ code: 409, body: errorBody(409, `Entity '${name}' already exists.`) });

function send(response: ServerResponse, code: number, body: string): void {
  response.writeHead(code, { 'content-type': 'application/atom+xml;type=entry;charset=utf-8' });
  response.end(body);
}
