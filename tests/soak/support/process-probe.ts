/** Readings of a Signal child process taken from outside: /proc, its own /metrics, and its inspector. */
import { readFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';

export interface Reading {
  rssBytes: number;
  heapUsedBytes: number;
  openFds: number;
  waiters: number;
}

/** GET over a connection of its own (Connection: close), so the reading leaves no socket behind. */
function fetchText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

function sample(scrape: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(scrape);
  if (match?.[1] === undefined) throw new Error(`${name} missing from the scrape`);
  return Number(match[1]);
}

export async function read(pid: number, baseUrl: string): Promise<Reading> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  const scrape = await fetchText(`${baseUrl}/metrics`);
  return {
    rssBytes: rssKb * 1024,
    heapUsedBytes: sample(scrape, 'nodejs_heap_size_used_bytes'),
    openFds: sample(scrape, 'process_open_fds'),
    waiters: sample(scrape, 'signal_longpoll_waiters'),
  };
}

/** A free loopback port for the child's inspector (the child is started with --inspect on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A full, synchronous garbage collection in the child through its inspector: heap and RSS are then
 * compared as live data, not as whatever garbage happened to be uncollected at that moment.
 */
export async function collectGarbage(inspectorPort: number): Promise<void> {
  const [target] = JSON.parse(await fetchText(`http://127.0.0.1:${inspectorPort}/json/list`)) as { webSocketDebuggerUrl: string }[];
  if (target === undefined) throw new Error('the inspector lists no target');
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  try {
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    const done = new Promise<void>((resolve, reject) => {
      socket.onmessage = (event) => {
        const reply = JSON.parse(String(event.data)) as { id?: number; error?: unknown };
        if (reply.id !== 1) return;
        if (reply.error === undefined) resolve();
        else reject(new Error(JSON.stringify(reply.error)));
      };
    });
    socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    await done;
  } finally {
    socket.close();
  }
}
