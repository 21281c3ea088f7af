// Performs the shim's HTTP requests off the VU thread, so that thread can block on a synchronous
// k6 request (Atomics.wait) while asynchronous ones keep running here.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Agent, request } from 'undici';
import type { WireRequest, WireResponse, WorkerJob, WorkerReply } from './http-wire.ts';

const { flag, syncPort } = workerData as { flag: Int32Array; syncPort: MessagePort };
const agent = new Agent({ keepAliveTimeout: 10_000 });

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

async function perform(job: WireRequest): Promise<WireResponse> {
  const started = performance.now();
  try {
    const res = await request(job.url, {
      method: job.method as 'GET',
      headers: job.headers.flat(),
      body: job.body,
      dispatcher: agent,
      headersTimeout: job.timeoutMs,
      bodyTimeout: job.timeoutMs,
    });
    const body = new Uint8Array(await res.body.arrayBuffer());
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(res.headers)) {
      for (const one of Array.isArray(value) ? value : [value ?? '']) headers.push([name, one]);
    }
    return { status: res.statusCode, headers, body, durationMs: performance.now() - started, error: '', errorCode: 0 };
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    return {
      status: 0,
      headers: [],
      body: new Uint8Array(),
      durationMs: performance.now() - started,
      error: error instanceof Error ? error.message : String(error),
      errorCode: TIMEOUT_CODES.has(code) ? 1050 : 1000,
    };
  }
}

parentPort?.on('message', (job: WorkerJob) => {
  void perform(job.request).then((response) => {
    const reply: WorkerReply = { id: job.id, response };
    if (!job.sync) {
      parentPort?.postMessage(reply);
      return;
    }
    syncPort.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});
