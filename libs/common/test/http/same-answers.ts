import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface Asked {
  method?: string;
  path: string;
  headers?: Record<string, string>;
}

async function listen(handler: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = handler.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Asks two apps the same requests and expects the same status, headers (but Date) and body from each. */
export async function expectSameAnswers(want: Express, got: Express, requests: Asked[]): Promise<void> {
  const servers = [await listen(want), await listen(got)];
  try {
    for (const { method = 'GET', path, headers } of requests) {
      const [expected, actual] = await Promise.all(
        servers.map(async ({ url }) => {
          const res = await fetch(url + path, { method, ...(headers === undefined ? {} : { headers }) });
          const { date: _date, ...kept } = Object.fromEntries(res.headers);
          return { status: res.status, headers: kept, body: await res.text() };
        }),
      );
      expect({ method, path, headers, ...actual }).toEqual({ method, path, headers, ...expected });
    }
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}
